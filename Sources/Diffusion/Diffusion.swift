// Diffusion: discrete graph diffusion (DiGress-style) and classifier-free guidance (FreeGress,
// GDCE), independent of any particular network: the denoiser plugs in as a `GraphDenoiser`
// closure.
//
// Files, by concern:
//   NoiseSchedule.swift        cosine schedule, step indexing decision
//   Transitions.swift          Q_t, Q̄_t for nodes and edges; `DiscreteDiffusion`
//   GraphState.swift           the dense batch, masks, the diagonal convention
//   CategoricalSampling.swift  drawing canonical states with symmetric edges
//   ForwardNoising.swift       q(G_t | G_0), the limit distribution, training steps
//   ReverseStep.swift          exact posterior and p(G_{t−1} | G_t) from p̂(G_0 | G_t)
//   TrainingLoss.swift         cross-entropy loss (λ_E)
//   VariationalBound.swift     validation NLL (KL terms)
//   Guidance.swift             guided logits, conditioning dropout
//   Sampling.swift             GDCE counterfactuals and FreeGress generation
//
// Converting from DiGress (src/diffusion/*, src/utils.py, src/diffusion_model_discrete.py):
//   PlaceHolder(X, E, y) + node_mask           → GraphState(nodes:edges:globals:nodeMask:)
//   PlaceHolder.mask                           → GraphState.canonicalized()
//   cosine_beta_schedule_discrete              → CosineNoiseSchedule.cosineBetas
//   PredefinedNoiseScheduleDiscrete            → CosineNoiseSchedule (betas, alphaBars)
//   MarginalUniformTransition / DiscreteUniformTransition → CategoricalTransition.marginal / .uniform
//   get_Qt, get_Qt_bar (Qt, Qtb)               → DiscreteDiffusion.transition(at:), cumulativeTransition(at:)
//   apply_noise                                → sampleTrainingSteps + noised(_:steps:using:)
//   sample_discrete_features                   → GraphState.sampled(from:nodeMask:globals:using:)
//   sample_discrete_feature_noise              → sampleLimit(nodeMask:globals:using:)
//   compute_posterior_distribution             → posterior(noisy:clean:steps:)
//   compute_batched_over0_posterior_distribution + sample_p_zs_given_zt
//                                              → reverseProbabilities / sampleReverseStep
//   TrainLossDiscrete                          → denoisingLoss(prediction:clean:edgeWeight:)
//   compute_val_loss, kl_prior, compute_Lt     → variationalBound, priorKL, stepKL
//   sample_batch                               → generated(nodeCounts:…) / denoised(from:startStep:…)
//   DistributionNodes                          → NodeCountDistribution
//   (FreeGress) guided logits                  → GraphPrediction.guided, guidedPrediction
//   (GDCE) Algorithm 1                         → counterfactuals(of:target:noiseStep:…)

import DiffusionCore
@_exported import NN
