// NN: layers, losses, optimisers and checkpoints built on the Tensor core.
@_exported import Tensor
