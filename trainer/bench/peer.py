"""PyTorch peer for `npm run bench`: the same pix2pix networks, iterations and
forward passes as shared/ (U-Net generator with batch norm and dropout, 70x70
PatchGAN with n_layers 3, vanilla GAN loss + 100*L1, Adam(2e-4, 0.5)), timed on
the CPU with a fixed thread count. Prints one JSON object per job on stdout.

    python3 peer.py --jobs '[{"mode":"train","size":128,"ngf":32,"ndf":32,"batch":1,"iters":3}]' --threads 1
"""
import argparse
import json
import math
import sys
import time

try:
    import torch
    import torch.nn as nn
except ImportError:  # the bench reports "not installed"
    print(json.dumps({"error": "not installed"}))
    sys.exit(0)


def unet(size, ngf, in_ch=3, out_ch=3, depth=None, dropout=True):
    """pix2pix UnetGenerator, written as explicit encoder/decoder lists."""
    depth = depth or int(math.log2(size))
    cap = ngf * 8
    enc_ch = [min(ngf * 2 ** i, cap) for i in range(depth)]
    n_dropout = max(0, min(3, depth - 5)) if dropout else 0

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.down = nn.ModuleList()
            for i in range(depth):
                cin = in_ch if i == 0 else enc_ch[i - 1]
                layers = [] if i == 0 else [nn.LeakyReLU(0.2, True)]
                layers.append(nn.Conv2d(cin, enc_ch[i], 4, 2, 1, bias=(i == 0)))
                if 0 < i < depth - 1:
                    layers.append(nn.BatchNorm2d(enc_ch[i]))
                self.down.append(nn.Sequential(*layers))
            self.up = nn.ModuleList()
            for i in range(depth - 1, -1, -1):
                cin = enc_ch[i] if i == depth - 1 else enc_ch[i] * 2
                cout = out_ch if i == 0 else enc_ch[i - 1]
                layers = [nn.ReLU(True), nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=(i == 0))]
                if i == 0:
                    layers.append(nn.Tanh())
                else:
                    layers.append(nn.BatchNorm2d(cout))
                    if 1 <= depth - 1 - i <= n_dropout:
                        layers.append(nn.Dropout(0.5))
                self.up.append(nn.Sequential(*layers))

        def forward(self, x):
            skips = []
            for block in self.down:
                x = block(x)
                skips.append(x)
            for j, block in enumerate(self.up):
                level = depth - 1 - j
                # ReLU(inplace) must not clobber a skip tensor: clone the innermost input.
                x = block(x if j > 0 else x.clone())
                if level > 0:
                    x = torch.cat([skips[level - 1], x], 1)
            return x

    return UNet()


def patchgan(ndf, in_ch=6, n_layers=3):
    layers = [nn.Conv2d(in_ch, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
    mult = 1
    for n in range(1, n_layers):
        prev, mult = mult, min(2 ** n, 8)
        layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2, 1), nn.BatchNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
    prev, mult = mult, min(2 ** n_layers, 8)
    layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, 1, 1), nn.BatchNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
    layers += [nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
    return nn.Sequential(*layers)


def init_weights(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def time_train(job):
    size, batch = job["size"], job["batch"]
    G, D = unet(size, job["ngf"]), patchgan(job["ndf"])
    G.apply(init_weights)
    D.apply(init_weights)
    G.train()
    D.train()
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce, l1 = nn.BCEWithLogitsLoss(), nn.L1Loss()
    a = torch.rand(batch, 3, size, size) * 2 - 1
    b = torch.rand(batch, 3, size, size) * 2 - 1

    def step():
        # pix2pix optimize_parameters: forward G, update D on (real, fake.detach()), update G.
        fake = G(a)
        opt_d.zero_grad()
        pred_fake = D(torch.cat([a, fake.detach()], 1))
        pred_real = D(torch.cat([a, b], 1))
        loss_d = (bce(pred_fake, torch.zeros_like(pred_fake)) + bce(pred_real, torch.ones_like(pred_real))) * 0.5
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad()
        pred = D(torch.cat([a, fake], 1))
        loss_g = bce(pred, torch.ones_like(pred)) + l1(fake, b) * 100.0
        loss_g.backward()
        opt_g.step()
        return float(loss_g)

    step()  # warm-up
    times, cpu = [], []
    for _ in range(job.get("iters", 3)):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    times.sort()
    cpu.sort()
    mid = (len(times) - 1) // 2
    return {"secPerIter": times[mid], "cpuSecPerIter": cpu[mid], "times": times}


def time_infer(job):
    size, batch = job["size"], job.get("batch", 1)
    G = unet(size, job["ngf"], depth=job.get("depth"))
    G.apply(init_weights)
    G.eval()
    x = torch.rand(batch, 3, size, size) * 2 - 1
    times = []
    with torch.no_grad():
        G(x)
        for _ in range(job.get("iters", 10)):
            t0 = time.perf_counter()
            G(x)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"medianMs": times[(len(times) - 1) // 2], "p95Ms": times[min(len(times) - 1, int(len(times) * 0.95))], "times": times}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jobs", required=True, help="JSON list of {mode, size, ngf, ndf, batch, iters, depth}")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    for job in json.loads(args.jobs):
        result = time_train(job) if job["mode"] == "train" else time_infer(job)
        print(json.dumps({"job": job, "threads": torch.get_num_threads(), "torch": torch.__version__, **result}), flush=True)


if __name__ == "__main__":
    main()
