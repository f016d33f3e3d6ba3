#!/usr/bin/env python3
"""Parity fixtures: the pix2pix reference networks, built in PyTorch, with their outputs.

Run by hand (not in CI) with Debian's python3-torch:

    /usr/bin/python3 scripts/make_parity_fixtures.py [--out trainer/interop/fixtures]

It rebuilds the reference architecture of junyanz/pytorch-CycleGAN-and-pix2pix
(UnetGenerator made of nested UnetSkipConnectionBlocks, NLayerDiscriminator)
with the same module nesting, so the state_dict keys are the reference ones
(`model.model.1.model.3.weight` …), saves small networks with torch.save, and
writes a fixed input and PyTorch's eval-mode output next to them. The tfjs test
(trainer/interop/parity.test.ts) imports the .pth files and must reproduce the
outputs to within 1e-4.

Files written (all little-endian float32, NCHW as PyTorch lays them out):
  generator.pth.gz      state_dict of a 64x64 U-Net (6 downsamplings), batch norm
  generator_input.f32.gz   [1, 3, 64, 64] in [-1, 1]
  generator_output.f32.gz  [1, 3, 64, 64]
  generator_instance.pth.gz (+ _input, _output)  a 32x32 U-Net (5 downsamplings), ngf 4, instance norm
  discriminator.pth.gz  state_dict of a 70x70-style PatchGAN (n_layers 3), batch norm
  discriminator_input.f32.gz   [1, 6, 64, 64]  (edges then photo, as torch.cat((A, B), 1))
  discriminator_output.f32.gz  [1, 1, 6, 6]    raw logits
  fixtures.json         the configs, shapes and summary statistics
Everything is gzipped to keep the repository small; the importer reads
gzipped and plain .pth alike.

The other direction (our export-pth):

    npm run import -- --pth trainer/interop/fixtures/generator.pth.gz --pth-d trainer/interop/fixtures/discriminator.pth.gz --out /tmp/imp
    npm run export-pth -- --checkpoint /tmp/imp --out /tmp/imp/pth
    /usr/bin/python3 scripts/make_parity_fixtures.py --check /tmp/imp/pth

loads the exported latest_net_G.pth / latest_net_D.pth into the reference
networks with strict=True and compares their outputs with the fixtures.
"""
import argparse
import gzip
import io
import json
import math
import os

import torch
import torch.nn as nn


def make_norm(norm, channels):
    if norm == 'batch':
        return nn.BatchNorm2d(channels)
    if norm == 'instance':
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    return nn.Identity()


class SkipBlock(nn.Module):
    """One U-Net level: down path, the inner levels (`inner`), up path; concatenates its input to its output unless outermost."""

    def __init__(self, outer_ch, inner_ch, in_ch=None, inner=None, outermost=False, innermost=False, norm='batch', dropout=False):
        super().__init__()
        self.outermost = outermost
        bias = norm == 'instance'  # the reference: convs followed by batch norm (or by nothing, for norm none) have no bias
        in_ch = outer_ch if in_ch is None else in_ch
        down_conv = nn.Conv2d(in_ch, inner_ch, 4, stride=2, padding=1, bias=bias)
        if outermost:
            layers = [down_conv, inner, nn.ReLU(True), nn.ConvTranspose2d(inner_ch * 2, outer_ch, 4, stride=2, padding=1), nn.Tanh()]
        elif innermost:
            layers = [nn.LeakyReLU(0.2, True), down_conv,
                      nn.ReLU(True), nn.ConvTranspose2d(inner_ch, outer_ch, 4, stride=2, padding=1, bias=bias), make_norm(norm, outer_ch)]
        else:
            layers = [nn.LeakyReLU(0.2, True), down_conv, make_norm(norm, inner_ch), inner,
                      nn.ReLU(True), nn.ConvTranspose2d(inner_ch * 2, outer_ch, 4, stride=2, padding=1, bias=bias), make_norm(norm, outer_ch)]
            if dropout:
                layers.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        y = self.model(x)
        return y if self.outermost else torch.cat([x, y], 1)


class UnetGenerator(nn.Module):
    def __init__(self, in_ch, out_ch, num_downs, ngf=64, norm='batch', dropout=False):
        super().__init__()
        block = SkipBlock(ngf * 8, ngf * 8, innermost=True, norm=norm)
        for _ in range(num_downs - 5):
            block = SkipBlock(ngf * 8, ngf * 8, inner=block, norm=norm, dropout=dropout)
        for mult in (4, 2, 1):
            block = SkipBlock(ngf * mult, ngf * mult * 2, inner=block, norm=norm)
        self.model = SkipBlock(out_ch, ngf, in_ch=in_ch, inner=block, outermost=True, norm=norm)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    def __init__(self, in_ch, ndf=64, n_layers=3, norm='batch'):
        super().__init__()
        bias = norm == 'instance'
        layers = [nn.Conv2d(in_ch, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers + 1):
            prev, mult = mult, min(2 ** n, 8)
            stride = 2 if n < n_layers else 1
            layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=stride, padding=1, bias=bias), make_norm(norm, ndf * mult), nn.LeakyReLU(0.2, True)]
        layers.append(nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def coarse_(tensor, std, gen):
    """N(0, std) values on a grid of a power of two near std/2: exact in float32 with few distinct
    values, so the fixtures gzip to a fraction of their size."""
    values = torch.randn(tensor.shape, generator=gen) * std
    step = 2.0 ** round(math.log2(std / 2))
    tensor.copy_(torch.round(values / step) * step)


def randomize(net, gen, calibration):
    """Weights with a usable signal (not N(0, 0.02), which fades to a constant in a tiny net), then
    batch-norm running statistics calibrated on random batches and shifted, so eval mode differs
    clearly from train mode and from identity statistics."""
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                fan_in = module.weight[0].numel() if isinstance(module, nn.Conv2d) else module.weight.shape[0] * 4
                coarse_(module.weight, 1.2 / fan_in ** 0.5, gen)
                if module.bias is not None:
                    coarse_(module.bias, 0.1, gen)
            elif isinstance(module, nn.BatchNorm2d):
                coarse_(module.weight, 0.2, gen)
                module.weight.add_(1.0)
                coarse_(module.bias, 0.2, gen)
                module.momentum = None  # cumulative average over the calibration batches
                module.reset_running_stats()
        net.train()
        for batch in calibration:
            net(batch)
        for module in net.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.add_(torch.randn(module.running_mean.shape, generator=gen) * 0.05)
                module.running_var.mul_(torch.rand(module.running_var.shape, generator=gen) * 0.6 + 0.7)
                module.momentum = 0.1
    net.eval()


def save_gz(obj, path):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    with gzip.open(path, 'wb', compresslevel=9) as f:
        f.write(buffer.getvalue())


def write_f32(tensor, path):
    with gzip.open(path + '.gz', 'wb', compresslevel=9) as f:
        f.write(tensor.detach().contiguous().to(torch.float32).numpy().astype('<f4').tobytes())


def stats(t):
    return {'shape': list(t.shape), 'mean': float(t.mean()), 'std': float(t.std()), 'min': float(t.min()), 'max': float(t.max())}


def smooth_image(gen, channels, size):
    """A fixed input with structure at several scales (a blurred random field), in [-1, 1]."""
    noise = torch.rand((1, channels, size // 8, size // 8), generator=gen) * 2 - 1
    image = nn.functional.interpolate(noise, size=(size, size), mode='bilinear', align_corners=False)
    image = image + (torch.rand((1, channels, size, size), generator=gen) * 2 - 1) * 0.3
    return torch.round(torch.clamp(image, -1, 1) * 128) / 128  # 8-bit levels, like an image


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'trainer', 'interop', 'fixtures'))
    parser.add_argument('--ngf', type=int, default=8)
    parser.add_argument('--ndf', type=int, default=8)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--check', metavar='DIR', help='check exported latest_net_G.pth / latest_net_D.pth in DIR against the fixtures instead')
    args = parser.parse_args()
    if args.check:
        return check(args)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(2017)
    size = args.size
    num_downs = size.bit_length() - 1  # bottleneck 1x1, as unet_256 for 256

    netG = UnetGenerator(3, 3, num_downs, args.ngf, norm='batch', dropout=True)
    randomize(netG, gen, [smooth_image(gen, 3, size) for _ in range(4)])
    g_in = smooth_image(gen, 3, size)
    with torch.no_grad():
        g_out = netG(g_in)
    save_gz(netG.state_dict(), os.path.join(args.out, 'generator.pth.gz'))
    write_f32(g_in, os.path.join(args.out, 'generator_input.f32'))
    write_f32(g_out, os.path.join(args.out, 'generator_output.f32'))

    netD = NLayerDiscriminator(6, args.ndf, 3, norm='batch')
    randomize(netD, gen, [smooth_image(gen, 6, size) for _ in range(4)])
    d_in = smooth_image(gen, 6, size)
    with torch.no_grad():
        d_out = netD(d_in)
    save_gz(netD.state_dict(), os.path.join(args.out, 'discriminator.pth.gz'))
    write_f32(d_in, os.path.join(args.out, 'discriminator_input.f32'))
    write_f32(d_out, os.path.join(args.out, 'discriminator_output.f32'))

    # Instance norm (the reference's --norm instance): convs carry biases, the norm has no parameters.
    # 32x32 with 5 downsamplings: no middle 8*ngf block, the smallest U-Net the reference builds.
    netGi = UnetGenerator(3, 3, 5, 4, norm='instance', dropout=False)
    randomize(netGi, gen, [])
    gi_in = smooth_image(gen, 3, 32)
    with torch.no_grad():
        gi_out = netGi(gi_in)
    save_gz(netGi.state_dict(), os.path.join(args.out, 'generator_instance.pth.gz'))
    write_f32(gi_in, os.path.join(args.out, 'generator_instance_input.f32'))
    write_f32(gi_out, os.path.join(args.out, 'generator_instance_output.f32'))

    meta = {
        'madeBy': 'scripts/make_parity_fixtures.py',
        'torch': torch.__version__,
        'generator': {
            'config': {'size': size, 'ngf': args.ngf, 'depth': num_downs, 'norm': 'batch', 'dropout': True},
            'params': sum(p.numel() for p in netG.parameters()),
            'input': stats(g_in), 'output': stats(g_out),
        },
        'generator_instance': {
            'config': {'size': 32, 'ngf': 4, 'depth': 5, 'norm': 'instance', 'dropout': False},
            'params': sum(p.numel() for p in netGi.parameters()),
            'input': stats(gi_in), 'output': stats(gi_out),
        },
        'discriminator': {
            'config': {'size': size, 'ndf': args.ndf, 'nLayersD': 3, 'norm': 'batch'},
            'params': sum(p.numel() for p in netD.parameters()),
            'input': stats(d_in), 'output': stats(d_out),
        },
    }
    with open(os.path.join(args.out, 'fixtures.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta, indent=1))


def read_f32(path, shape):
    with gzip.open(path + '.gz', 'rb') as f:
        return torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(shape)


def check(args):
    with open(os.path.join(args.out, 'fixtures.json')) as f:
        meta = json.load(f)
    g, d = meta['generator'], meta['discriminator']
    size = g['config']['size']
    netG = UnetGenerator(3, 3, g['config']['depth'], g['config']['ngf'], norm='batch', dropout=True)
    netG.load_state_dict(torch.load(os.path.join(args.check, 'latest_net_G.pth')), strict=True)
    netG.eval()
    with torch.no_grad():
        out = netG(read_f32(os.path.join(args.out, 'generator_input.f32'), (1, 3, size, size)))
    err = (out - read_f32(os.path.join(args.out, 'generator_output.f32'), (1, 3, size, size))).abs().max()
    print(f'latest_net_G.pth: loads strictly into the reference UnetGenerator; max |output - fixture| = {float(err):.2e}')
    path_d = os.path.join(args.check, 'latest_net_D.pth')
    if os.path.exists(path_d):
        netD = NLayerDiscriminator(6, d['config']['ndf'], d['config']['nLayersD'], norm='batch')
        netD.load_state_dict(torch.load(path_d), strict=True)
        netD.eval()
        with torch.no_grad():
            out = netD(read_f32(os.path.join(args.out, 'discriminator_input.f32'), (1, 6, size, size)))
        err_d = (out - read_f32(os.path.join(args.out, 'discriminator_output.f32'), tuple(d['output']['shape']))).abs().max()
        print(f'latest_net_D.pth: loads strictly into the reference NLayerDiscriminator; max |output - fixture| = {float(err_d):.2e}')


if __name__ == '__main__':
    main()
