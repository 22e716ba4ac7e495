#!/usr/bin/env python3
"""The graph diffusion models of `cfx bench train` in PyTorch eager, timed the same way: one full
training step (random diffusion steps, marginal noising, extra features, forward, loss, backward,
gradient-norm clipping, AdamW with AMSGrad) on the same fixed batch, median of repeated steps after
two warm-up steps.

The model is a port of cfx's denoiser (Sources/Diffusion/GraphTransformer/*.swift: DiGress's
graph transformer with FreeGress conditioning, PartitionedLinear inputs, per-channel attention with
edge FiLM, masked PNA pooling, post-LayerNorm), of its inputs (Sources/Diffusion/CycleFeatures.swift,
Model/ExtraFeatures.swift, Sources/Molecules/MolecularFeatures.swift), of the forward process
(ForwardNoising.swift, Transitions.swift, NoiseSchedule.swift) and of the loss (TrainingLoss.swift).
Each preset comes from a directory written by `cfx bench train --export DIR` (DIR/PRESET/):
config.json (cfx's model configuration: sizes, diffusion, features, condition), model.safetensors
(initial weights) and batch.safetensors (the batch, one noisy draw of it, cfx's loss on that draw).
Before timing, the port loads cfx's weights, computes the loss and gradient norm on cfx's noisy
draw and compares them with cfx's (the script fails when the loss differs by more than 1e-3
relative, or the parameter count differs).

Prints JSON. Usage: python bench-train-pytorch.py --models DIR [--seconds S] [--threads N]
(run by scripts/bench-train-vs-pytorch.sh, which makes the Python environment)."""
import argparse, json, math, os, statistics, struct, sys, time
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


# ---- safetensors (F32 only, what cfx writes), read without the safetensors package ----

def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", f"{path}: {name} is {info['dtype']}, expected F32"
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, meta


# ---- the network (names follow cfx's parameter paths, which follow DiGress's) ----

class PartitionedLinear(nn.Module):
    # Linear on the concatenation [part₀, part₁, ...] written as Σ partᵢ Wᵢᵀ; the bias sits on part 0.
    def __init__(self, inputs, outputs):
        super().__init__()
        self.parts = nn.ModuleList([nn.Linear(w, outputs, bias=(i == 0)) for i, w in enumerate(inputs)])

    def forward(self, xs):
        total = None
        for part, x in zip(self.parts, xs):
            if part.in_features == 0:
                continue
            y = part(x)
            total = y if total is None else total + y
        return total


class MLP(nn.Module):
    # Linear, ReLU, ..., Linear (no activation after the last).
    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:])])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return x


class PNAPooling(nn.Module):
    # Linear maps of the masked mean, min, max and variance over the set axis (bias on the mean).
    def __init__(self, features, outputs):
        super().__init__()
        self.mean = nn.Linear(features, outputs)
        self.min = nn.Linear(features, outputs, bias=False)
        self.max = nn.Linear(features, outputs, bias=False)
        self.std = nn.Linear(features, outputs, bias=False)

    def forward(self, x, mask):                      # x [bs, m, f], mask [bs, m, 1]
        count = mask.sum(1).clamp(min=1)
        mu = (x * mask).sum(1) / count
        off = (1 - mask) * 1e5
        any_real = mask.amax(1)
        lo = (x + off).amin(1) * any_real
        hi = (x - off).amax(1) * any_real
        var = (((x - mu.unsqueeze(1)) * mask) ** 2).sum(1) / count
        return self.mean(mu) + self.min(lo) + self.max(hi) + self.std(var)


class NodeEdgeBlock(nn.Module):
    # DiGress NodeEdgeBlock: per-channel scores Q_i ⊙ K_j / √df, edge FiLM, masked softmax over keys.
    def __init__(self, d):
        super().__init__()
        dx, de, dy = d["dx"], d["de"], d["dy"]
        self.heads = d["heads"]
        self.q, self.k, self.v = nn.Linear(dx, dx), nn.Linear(dx, dx), nn.Linear(dx, dx)
        self.e_mul, self.e_add = nn.Linear(de, dx), nn.Linear(de, dx)
        self.y_e_add, self.y_e_mul = nn.Linear(dy, dx), nn.Linear(dy, dx)
        self.y_x_add, self.y_x_mul = nn.Linear(dy, dx), nn.Linear(dy, dx)
        self.y_y = nn.Linear(dy, dy)
        self.x_y, self.e_y = PNAPooling(dx, dy), PNAPooling(de, dy)
        self.x_out, self.e_out = nn.Linear(dx, dx), nn.Linear(dx, de)
        self.y_out = MLP([dy, dy, dy])

    def forward(self, x, e, y, node_mask, edge_mask):
        bs, n, dx = x.shape
        h = self.heads
        df = dx // h
        q = (self.q(x) * node_mask).reshape(bs, n, 1, h, df)
        k = (self.k(x) * node_mask).reshape(bs, 1, n, h, df)
        scores = q * k / math.sqrt(df)                                        # [bs, n, n, h, df]
        e1 = (self.e_mul(e) * edge_mask).reshape(bs, n, n, h, df)
        e2 = (self.e_add(e) * edge_mask).reshape(bs, n, n, h, df)
        scores = scores * (e1 + 1) + e2
        flat = scores.reshape(bs, n, n, dx)
        ye1, ye2 = self.y_e_add(y).reshape(bs, 1, 1, dx), self.y_e_mul(y).reshape(bs, 1, 1, dx)
        new_e = self.e_out(ye1 + (ye2 + 1) * flat) * edge_mask
        key_mask = node_mask.reshape(bs, 1, n, 1, 1)
        attention = scores.masked_fill(key_mask == 0, float("-inf")).softmax(dim=2).nan_to_num(0.0)
        v = (self.v(x) * node_mask).reshape(bs, 1, n, h, df)
        weighted = (attention * v).sum(dim=2).reshape(bs, n, dx)
        yx1, yx2 = self.y_x_add(y).reshape(bs, 1, dx), self.y_x_mul(y).reshape(bs, 1, dx)
        new_x = self.x_out(yx1 + (yx2 + 1) * weighted) * node_mask
        pooled = self.y_y(y) + self.x_y(x, node_mask) + self.e_y(e.reshape(bs, n * n, -1), edge_mask.reshape(bs, n * n, 1))
        return new_x, new_e, self.y_out(pooled)


class GraphTransformerLayer(nn.Module):
    # Attention block, then residual + post-LayerNorm and a feed-forward block per stream (dropout 0).
    def __init__(self, d):
        super().__init__()
        assert d["dropout"] == 0, "the port times dropout-free presets"
        dx, de, dy = d["dx"], d["de"], d["dy"]
        self.self_attn = NodeEdgeBlock(d)
        self.normX1, self.normE1, self.norm_y1 = nn.LayerNorm(dx), nn.LayerNorm(de), nn.LayerNorm(dy)
        self.ffX, self.ffE, self.ffy = MLP([dx, d["ffX"], dx]), MLP([de, d["ffE"], de]), MLP([dy, d["ffy"], dy])
        self.normX2, self.normE2, self.norm_y2 = nn.LayerNorm(dx), nn.LayerNorm(de), nn.LayerNorm(dy)

    def forward(self, x, e, y, node_mask, edge_mask):
        dx_, de_, dy_ = self.self_attn(x, e, y, node_mask, edge_mask)
        x, e, y = self.normX1(x + dx_), self.normE1(e + de_), self.norm_y1(y + dy_)
        return self.normX2(x + self.ffX(x)), self.normE2(e + self.ffE(e)), self.norm_y2(y + self.ffy(y))


class GraphTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, cw = c["layer"], c["conditionWidth"]
        self.condition_width = cw
        self.mlp_in_X = nn.ModuleDict({"0": PartitionedLinear([c["nodeClasses"], c["extraNodeFeatures"], cw], c["hiddenX"]),
                                       "2": nn.Linear(c["hiddenX"], d["dx"])})
        self.mlp_in_E = nn.ModuleDict({"0": PartitionedLinear([c["edgeClasses"], cw], c["hiddenE"]),
                                       "2": nn.Linear(c["hiddenE"], d["de"])})
        self.mlp_in_y = nn.ModuleDict({"0": PartitionedLinear([c["extraGlobalFeatures"], cw], c["hiddenY"]),
                                       "2": nn.Linear(c["hiddenY"], d["dy"])})
        self.tf_layers = nn.ModuleList([GraphTransformerLayer(d) for _ in range(c["layers"])])
        self.mlp_out_X = MLP([d["dx"], c["hiddenX"], c["nodeClasses"]])
        self.mlp_out_E = MLP([d["de"], c["hiddenE"], c["edgeClasses"]])
        if cw > 0:
            self.cf_null_token = nn.Parameter(torch.randn(cw))

    def condition_with_null(self, condition, dropped):
        keep = (~dropped).float().unsqueeze(1)
        return condition * keep + self.cf_null_token.reshape(1, -1) * (1 - keep)

    def forward(self, nodes, edges, extra_nodes, globals_, condition, node_mask):
        bs, n, _ = nodes.shape
        nm = node_mask.reshape(bs, n, 1)
        em = node_mask.reshape(bs, n, 1, 1) * node_mask.reshape(bs, 1, n, 1)
        cw = self.condition_width
        cx = condition.reshape(bs, 1, cw) if cw else None
        ce = condition.reshape(bs, 1, 1, cw) if cw else None
        x = F.relu(self.mlp_in_X["0"]([nodes, extra_nodes, cx]))
        x = F.relu(self.mlp_in_X["2"](x)) * nm
        e = F.relu(self.mlp_in_E["0"]([edges, ce]))
        e = F.relu(self.mlp_in_E["2"](e))
        e = (e + e.transpose(1, 2)) * 0.5 * em
        y = F.relu(self.mlp_in_y["2"](F.relu(self.mlp_in_y["0"]([globals_, condition]))))
        for layer in self.tf_layers:
            x, e, y = layer(x, e, y, nm, em)
        node_logits = (self.mlp_out_X(x) + nodes) * nm
        edge_logits = self.mlp_out_E(e) + edges
        off_diagonal = (1 - torch.eye(n)).reshape(1, n, n, 1)
        edge_logits = (edge_logits + edge_logits.transpose(1, 2)) * 0.5 * off_diagonal * em
        return node_logits, edge_logits


# ---- inputs computed from the noisy graph (no gradients) ----

def cycle_features(adjacency):
    # DiGress's cycle counts with the fixed c5 formula (CycleFeatures.swift), in float64;
    # counts / 10 clipped at 1. adjacency [bs, n, n] (masked, zero diagonal).
    a = adjacency.double()
    a2 = a @ a
    a3 = a2 @ a
    degree = a.sum(-1)
    diag2, diag3 = a2.diagonal(dim1=1, dim2=2), a3.diagonal(dim1=1, dim2=2)
    diag4, diag5 = (a2 * a2).sum(-1), (a2 * a3).sum(-1)
    trace6 = (a3 * a3).sum((1, 2))
    sum_a3 = a3.sum((1, 2))
    edge_a2_squared = (a * a2 * a2).sum((1, 2))
    triangles = diag3 / 2
    mv = lambda m, v: (m @ v.unsqueeze(-1)).squeeze(-1)
    c3 = diag3 / 2
    c4 = (diag4 - degree * (degree - 1) - mv(a, degree)) / 2
    c5 = (diag5 - 2 * mv(a2 * a, degree) - 4 * degree * triangles - 2 * mv(a, triangles) + 10 * triangles) / 2
    k3 = diag3.sum(-1) / 6
    k4 = 2 * c4.sum(-1) / 8
    k5 = 2 * c5.sum(-1) / 10
    k6 = (trace6 - 3 * (diag3 ** 2).sum(-1) + 9 * edge_a2_squared - 6 * (diag2 * diag4).sum(-1) + 6 * diag4.sum(-1)
          - 4 * diag3.sum(-1) + 4 * (diag2 ** 3).sum(-1) + 3 * sum_a3 - 12 * (diag2 ** 2).sum(-1) + 4 * diag2.sum(-1)) / 12
    nodes = torch.stack([c3, c4, c5], -1).float()
    graphs = torch.stack([k3, k4, k5, k6], -1).float()
    return (nodes / 10).clamp(max=1), (graphs / 10).clamp(max=1)


def spectral_features(adjacency, node_mask):
    # Laplacian features (ExtraFeatures.swift SpectralFeatures): nodes [not in the largest
    # component, the eigenvectors of the first two non-zero eigenvalues], globals [components,
    # 5 non-zero eigenvalues / n (2 where missing)]; eigenvector signs: largest-magnitude entry positive.
    bs, n, _ = adjacency.shape
    real = node_mask.sum(-1)                                                  # [bs]
    lap = torch.diag_embed(adjacency.sum(-1)) - adjacency
    lap = torch.where(node_mask.bool().unsqueeze(-1), lap, torch.zeros_like(lap))
    lap = lap + torch.diag_embed((1 - node_mask) * 2 * n)
    values, vectors = torch.linalg.eigh(lap)
    lam = values / real.clamp(min=1).unsqueeze(1)
    valid = torch.arange(n).unsqueeze(0) < real.unsqueeze(1)
    components = ((lam < 1e-5) & valid).sum(-1)                               # [bs]
    index = components.unsqueeze(1) + torch.arange(5).unsqueeze(0)
    eigenvalues = torch.where(index < real.unsqueeze(1), lam.gather(1, index.clamp(max=n - 1)), torch.full_like(lam[:, :1], 2.0))
    node_features = [None, None]
    for slot in range(2):
        column = (components + slot).clamp(max=n - 1)
        v = vectors.gather(2, column.reshape(bs, 1, 1).expand(bs, n, 1)).squeeze(-1)   # [bs, n]
        largest = v.abs().argmax(-1, keepdim=True)
        v = v * torch.sign(v.gather(1, largest))
        exists = ((components + slot) < real).float().unsqueeze(1)
        node_features[slot] = v * exists * node_mask
    # Connected components by reachability; the largest (ties: the one with the lowest node).
    reach = ((adjacency + torch.eye(n)) > 0).float() * node_mask.unsqueeze(1) * node_mask.unsqueeze(2)
    for _ in range(max(1, math.ceil(math.log2(max(n, 2))))):
        reach = ((reach @ reach) > 0).float()
    label = reach.argmax(-1)                                                   # lowest reachable node
    size = reach.sum(-1)
    key = torch.where(node_mask.bool(), size * (n + 1) - label, torch.full_like(size, -1.0))
    largest_label = label.gather(1, key.argmax(-1, keepdim=True))
    outside = ((label != largest_label) & node_mask.bool()).float()
    nodes = torch.stack([outside, node_features[0], node_features[1]], -1)
    globals_ = torch.cat([components.float().unsqueeze(1), eigenvalues], 1)
    return nodes, globals_


class Inputs:
    # The denoiser's extra inputs: structural features (none / cycles / all), then molecular ones.
    def __init__(self, model_config):
        self.kind = model_config["extraFeatures"]
        self.maximum_nodes = model_config["maximumNodes"]
        m = model_config.get("molecular")
        self.molecular = None
        if m is not None:
            self.molecular = (torch.tensor(m["bondOrders"], dtype=torch.float32), torch.tensor(m["maximumValences"], dtype=torch.float32),
                              torch.tensor(m["atomWeights"], dtype=torch.float32), float(m["valenceScale"]), float(m["weightScale"]))

    @torch.no_grad()
    def __call__(self, nodes, edges, node_mask):
        bs, n = node_mask.shape
        size = node_mask.sum(1, keepdim=True) / max(self.maximum_nodes, 1)
        extra_nodes, extra_globals = [], [size]
        if self.kind != "none":
            pair = node_mask.unsqueeze(2) * node_mask.unsqueeze(1) * (1 - torch.eye(n))
            adjacency = edges[..., 1:].sum(-1) * pair
            cn, cg = cycle_features(adjacency)
            extra_nodes.append(cn * node_mask.unsqueeze(-1)); extra_globals.append(cg)
            if self.kind == "all":
                sn, sg = spectral_features(adjacency, node_mask)
                extra_nodes.append(sn); extra_globals.append(sg)
        if self.molecular is not None:
            orders, maxima, weights, valence_scale, weight_scale = self.molecular
            valence = (edges * orders).sum((-1, -2))                          # Σ_j Σ_c E_ijc · order[c]
            maximum = nodes @ maxima
            m = node_mask
            extra_nodes.append(torch.stack([valence, maximum, maximum - valence], -1) / valence_scale * m.unsqueeze(-1))
            extra_globals.append(((nodes @ weights) * m).sum(1, keepdim=True) / weight_scale)
        return (torch.cat(extra_nodes, -1) if extra_nodes else None), torch.cat(extra_globals, 1)


# ---- the forward process, the condition and the loss ----

class Diffusion:
    def __init__(self, d):
        steps, offset = d["schedule"]["stepCount"], d["schedule"].get("offset", 0.008)
        points = steps + 2
        x = np.arange(points, dtype=np.float64) * (points / (points - 1))
        f = np.cos(0.5 * np.pi * (x / points + offset) / (1 + offset)) ** 2
        f = f / f[0]
        betas = 1 - f[1:] / f[:-1]
        alpha_bars = np.concatenate([[1.0], np.cumprod(1 - np.clip(betas[1:], 0, 0.9999))])
        self.steps = steps
        self.alpha_bars = torch.tensor(alpha_bars)
        normalise = lambda m: torch.tensor(np.asarray(m, dtype=np.float64) / np.sum(m))
        self.node_limit = normalise(d["nodeTransition"]["limitDistribution"])
        self.edge_limit = normalise(d["edgeTransition"]["limitDistribution"])

    @staticmethod
    def cumulative(alpha_bar, limit):                                        # ᾱ I + (1 − ᾱ) 1mᵀ, [bs, K, K]
        k = limit.numel()
        a = alpha_bar.reshape(-1, 1, 1)
        return (a * torch.eye(k, dtype=torch.float64) + (1 - a) * limit.reshape(1, 1, k)).float()

    @staticmethod
    def sample(probabilities):                                                # one class per row, by inverse CDF
        u = torch.rand(probabilities.shape[:-1] + (1,))
        index = (probabilities.cumsum(-1) < u).sum(-1).clamp(max=probabilities.shape[-1] - 1)
        return F.one_hot(index, probabilities.shape[-1]).float()

    def noised(self, nodes, edges, node_mask, steps):
        bs, n, a = nodes.shape
        b = edges.shape[-1]
        alpha_bar = self.alpha_bars[steps]
        px = nodes @ self.cumulative(alpha_bar, self.node_limit)
        pe = (edges.reshape(bs, n * n, b) @ self.cumulative(alpha_bar, self.edge_limit)).reshape(bs, n, n, b)
        x = self.sample(px) * node_mask.unsqueeze(-1)
        upper = torch.triu(torch.ones(n, n), diagonal=1).reshape(1, n, n, 1)
        e = self.sample(pe) * upper
        e = e + e.transpose(1, 2)
        diagonal = torch.eye(n).reshape(1, n, n, 1) * F.one_hot(torch.tensor(0), b).float()
        pair = (node_mask.unsqueeze(2) * node_mask.unsqueeze(1)).unsqueeze(-1)
        return x, (e + diagonal) * pair


def encode_condition(condition, targets):
    if "classes" in condition:
        return F.one_hot(targets[:, 0].round().long(), condition["classes"]["count"]).float()
    if "continuous" in condition:
        mean, scale = torch.tensor(condition["continuous"]["mean"]), torch.tensor(condition["continuous"]["scale"])
        return (targets - mean) / scale
    return torch.zeros(targets.shape[0], 0)


def denoising_loss(node_logits, edge_logits, clean_nodes, clean_edges, node_mask, edge_weight):
    n = node_mask.shape[1]
    node_weights = clean_nodes * node_mask.unsqueeze(-1)
    pair = node_mask.unsqueeze(2) * node_mask.unsqueeze(1) * (1 - torch.eye(n))
    edge_weights = clean_edges * pair.unsqueeze(-1)
    node_count, pair_count = node_weights.sum().clamp(min=1), edge_weights.sum().clamp(min=1)
    node_loss = -(node_logits.log_softmax(-1) * node_weights).sum() / node_count
    edge_loss = -(edge_logits.log_softmax(-1) * edge_weights).sum() / pair_count
    return node_loss + edge_weight * edge_loss, node_loss, edge_loss


class Preset:
    def __init__(self, directory):
        document = json.load(open(os.path.join(directory, "config.json")))
        self.config = document["model"]
        self.cfx_parameters = document["parameter_count"]
        self.network = GraphTransformer(self.config["transformer"])
        self.inputs = Inputs(self.config)
        self.diffusion = Diffusion(self.config["diffusion"])
        self.batch, self.meta = read_safetensors(os.path.join(directory, "batch.safetensors"))
        weights, _ = read_safetensors(os.path.join(directory, "model.safetensors"))
        state = {k[len("model."):]: v for k, v in weights.items()}
        ours = self.network.state_dict()
        missing, extra = sorted(set(ours) - set(state)), sorted(set(state) - set(ours))
        if missing or extra:
            sys.exit(f"{directory}: parameter names differ from cfx's: missing {missing[:5]}, extra {extra[:5]}")
        for k, v in state.items():
            if ours[k].shape != v.shape:
                sys.exit(f"{directory}: {k} has shape {tuple(ours[k].shape)} here, {tuple(v.shape)} in cfx")
        self.network.load_state_dict(state)
        self.parameters = sum(p.numel() for p in self.network.parameters())

    def forward_loss(self, noisy_nodes, noisy_edges, steps, condition):
        b = self.batch
        extra_nodes, extra_globals = self.inputs(noisy_nodes, noisy_edges, b["node_mask"])
        time_feature = (steps.float() / self.diffusion.steps).unsqueeze(1)
        node_logits, edge_logits = self.network(noisy_nodes, noisy_edges, extra_nodes, torch.cat([extra_globals, time_feature], 1),
                                                condition, b["node_mask"])
        return denoising_loss(node_logits, edge_logits, b["clean_nodes"], b["clean_edges"], b["node_mask"], self.config["edgeLossWeight"])

    def check(self):
        # cfx's noisy draw, cfx's weights: the same loss and gradient norm?
        b = self.batch
        self.network.zero_grad(set_to_none=True)
        loss, node_loss, edge_loss = self.forward_loss(b["noisy_nodes"], b["noisy_edges"], b["steps"].long(), b.get("condition"))
        loss.backward()
        norm = float(torch.sqrt(sum((p.grad.double() ** 2).sum() for p in self.network.parameters() if p.grad is not None)))
        self.network.zero_grad(set_to_none=True)
        cfx_loss, cfx_norm = float(self.meta["loss"]), float(self.meta["gradient_norm"])
        loss, node_loss, edge_loss = loss.item(), node_loss.item(), edge_loss.item()
        return {"loss": loss, "cfxLoss": cfx_loss, "lossRelativeError": abs(loss - cfx_loss) / abs(cfx_loss),
                "nodeLoss": node_loss, "cfxNodeLoss": float(self.meta["node_loss"]),
                "edgeLoss": edge_loss, "cfxEdgeLoss": float(self.meta["edge_loss"]),
                "gradientNorm": norm, "cfxGradientNorm": cfx_norm, "gradientNormRelativeError": abs(norm - cfx_norm) / abs(cfx_norm)}

    def time_steps(self, seconds):
        # cfx train's step: t ~ U{1..T}, noise, condition dropout (learned null), loss, backward,
        # clip 10, AdamW(lr 1e-3, weight decay 1e-12, AMSGrad).
        b = self.batch
        bs = b["node_mask"].shape[0]
        optimizer = torch.optim.AdamW(self.network.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-12, amsgrad=True)
        encoded = encode_condition(self.config["condition"], b["targets"]) if self.network.condition_width else None
        p_uncond = self.config["unconditionalProbability"]

        def step():
            optimizer.zero_grad(set_to_none=True)
            steps = torch.randint(1, self.diffusion.steps + 1, (bs,))
            noisy_nodes, noisy_edges = self.diffusion.noised(b["clean_nodes"], b["clean_edges"], b["node_mask"], steps)
            condition = None
            if encoded is not None:
                condition = self.network.condition_with_null(encoded, torch.rand(bs) < p_uncond)
            loss, _, _ = self.forward_loss(noisy_nodes, noisy_edges, steps, condition)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.network.parameters(), 10.0)
            optimizer.step()
            return loss.item()

        step(); step()                                                        # warm-up
        times, losses, start = [], [], time.perf_counter()
        while len(times) < 3 or time.perf_counter() - start < seconds:
            t = time.perf_counter()
            losses.append(step())
            times.append(time.perf_counter() - t)
        median = statistics.median(times)
        return {"steps": len(times), "medianSecondsPerStep": median, "stepsPerSecond": 1 / median,
                "firstLoss": losses[0], "lastLoss": losses[-1]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", required=True, help="directory written by cfx bench train --export")
    parser.add_argument("--presets", default=None, help="comma-separated (default: every preset in --models)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    names = args.presets.split(",") if args.presets else sorted(os.listdir(args.models))
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available(),
              "ompWaitPolicy": os.environ.get("OMP_WAIT_POLICY", "unset"), "presets": {}}
    failures = []
    for name in names:
        preset = Preset(os.path.join(args.models, name))
        if preset.parameters != preset.cfx_parameters:
            failures.append(f"{name}: {preset.parameters} parameters here, {preset.cfx_parameters} in cfx")
        check = preset.check()
        if check["lossRelativeError"] > 1e-3:
            failures.append(f"{name}: loss {check['loss']} here, {check['cfxLoss']} in cfx (relative error {check['lossRelativeError']:.2e})")
        bs, n = preset.batch["node_mask"].shape
        result["presets"][name] = {"parameters": preset.parameters, "cfxParameters": preset.cfx_parameters, "batchSize": bs, "nodes": n,
                                   "check": check, **preset.time_steps(args.seconds)}
    result["failures"] = failures
    print(json.dumps(result, indent=2))
    if failures:
        sys.exit("port differs from cfx: " + "; ".join(failures))


if __name__ == "__main__":
    main()
