// Diffusion: discrete graph diffusion (DiGress-style), the graph transformer denoiser and
// classifier-free guidance. Built by the graph diffusion issue.
@_exported import NN
