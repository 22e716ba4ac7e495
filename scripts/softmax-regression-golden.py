# Golden values of SoftmaxRegressionTests: scikit-learn's LogisticRegression (multinomial, lbfgs)
# with C = 1/(λ n), which minimises the same objective as cfx's mean cross-entropy + (λ/2)‖W‖².
# Run: ~/.cache/cfx/venv-sklearn/bin/python scripts/softmax-regression-golden.py
import numpy as np
from sklearn.linear_model import LogisticRegression
n=60
X=np.array([[np.sin(i)+ (i%3)*0.8, np.cos(1.7*i), np.sin(0.3*i+1)-(i%3)*0.5] for i in range(n)])
y=np.array([i%3 for i in range(n)])
lam=0.1
m=LogisticRegression(C=1/(lam*n), tol=1e-10, max_iter=10000).fit(X,y)
np.set_printoptions(precision=6, suppress=True)
print(repr(m.coef_), repr(m.intercept_))
P=m.predict_proba(X[:4])
print(repr(P))
