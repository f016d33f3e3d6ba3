#!/usr/bin/env python3
"""A minimal reference-style pix2pix trainer in PyTorch, single process or DDP under torchrun.

It exists to try the scale-out round trip of docs/scale-out.md where the
reference repository (junyanz/pytorch-CycleGAN-and-pix2pix) is not at hand:
same networks and state_dict keys (scripts/make_parity_fixtures.py), same
losses and optimiser as the reference pix2pix model (vanilla GAN + 100·L1,
Adam 2e-4 β1 0.5, D loss halved), same checkpoint names
(CHECKPOINTS/NAME/latest_net_G.pth, latest_net_D.pth), same aligned dataset
layout (DATAROOT/train/*.jpg, A|B side by side). It is not a replacement for
the reference trainer: no visualiser, no LR decay, no image pool.

    # one process
    /usr/bin/python3 scripts/reference_pix2pix_train.py --dataroot DATA --name shoes --crop_size 64 --ngf 8 --ndf 8 --n_iters 20
    # N processes (GPUs with NCCL, or CPU with gloo); --norm syncbatch needs GPUs
    torchrun --standalone --nproc_per_node=2 scripts/reference_pix2pix_train.py --dataroot DATA --name shoes ... --continue_train
"""
import argparse
import os
import random
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_parity_fixtures import NLayerDiscriminator, UnetGenerator  # noqa: E402


class AlignedPairs(torch.utils.data.Dataset):
    """DATAROOT/train/*.jpg|png, each A|B side by side; resize to load_size, random crop, random flip, to [-1, 1]."""

    def __init__(self, root, phase, load_size, crop_size, direction, flip):
        folder = os.path.join(root, phase)
        self.files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(('.jpg', '.jpeg', '.png')))
        if not self.files:
            raise SystemExit(f'no images in {folder}')
        self.load_size, self.crop_size, self.direction, self.flip = load_size, crop_size, direction, flip

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        pair = Image.open(self.files[i]).convert('RGB')
        w, h = pair.size
        a, b = pair.crop((0, 0, w // 2, h)), pair.crop((w // 2, 0, w, h))
        if self.direction == 'BtoA':
            a, b = b, a
        x, y = [random.randint(0, self.load_size - self.crop_size) for _ in range(2)]
        flip = self.flip and random.random() < 0.5

        def prep(img):
            img = img.resize((self.load_size, self.load_size), Image.BICUBIC).crop((x, y, x + self.crop_size, y + self.crop_size))
            if flip:
                img = img.transpose(Image.FLIP_LEFT_RIGHT)
            return torch.from_numpy(np.asarray(img, dtype=np.float32) / 127.5 - 1).permute(2, 0, 1)

        return prep(a), prep(b)


def init_normal(net, gain=0.02):
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, gain)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, gain)
            nn.init.zeros_(m.bias)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dataroot', required=True)
    p.add_argument('--name', required=True)
    p.add_argument('--checkpoints_dir', default='./checkpoints')
    p.add_argument('--direction', default='AtoB', choices=['AtoB', 'BtoA'])
    p.add_argument('--load_size', type=int, default=286)
    p.add_argument('--crop_size', type=int, default=256)
    p.add_argument('--no_flip', action='store_true')
    p.add_argument('--ngf', type=int, default=64)
    p.add_argument('--ndf', type=int, default=64)
    p.add_argument('--n_layers_D', type=int, default=3)
    p.add_argument('--norm', default='batch', choices=['batch', 'syncbatch', 'instance'])
    p.add_argument('--no_dropout', action='store_true')
    p.add_argument('--batch_size', type=int, default=1, help='per process')
    p.add_argument('--lr', type=float, default=2e-4)
    p.add_argument('--beta1', type=float, default=0.5)
    p.add_argument('--lambda_L1', type=float, default=100.0)
    p.add_argument('--n_iters', type=int, default=100)
    p.add_argument('--save_every', type=int, default=50)
    p.add_argument('--continue_train', action='store_true', help='start from CHECKPOINTS/NAME/latest_net_{G,D}.pth')
    p.add_argument('--seed', type=int, default=0)
    opt = p.parse_args()

    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    local_rank = int(os.environ.get('LOCAL_RANK', '0'))
    cuda = torch.cuda.is_available()
    device = torch.device(f'cuda:{local_rank}' if cuda else 'cpu')
    if world > 1:
        dist.init_process_group('nccl' if cuda else 'gloo')
        if cuda:
            torch.cuda.set_device(local_rank)
    if opt.norm == 'syncbatch' and not cuda:
        raise SystemExit('--norm syncbatch needs GPUs (SyncBatchNorm has no CPU kernel); use --norm batch on CPU')
    torch.manual_seed(opt.seed + rank)
    random.seed(opt.seed + rank)

    size = opt.crop_size
    num_downs = size.bit_length() - 1
    norm = 'batch' if opt.norm == 'syncbatch' else opt.norm
    netG = UnetGenerator(3, 3, num_downs, opt.ngf, norm=norm, dropout=not opt.no_dropout)
    netD = NLayerDiscriminator(6, opt.ndf, opt.n_layers_D, norm=norm)
    save_dir = os.path.join(opt.checkpoints_dir, opt.name)
    if opt.continue_train:
        for net, which in ((netG, 'G'), (netD, 'D')):
            net.load_state_dict(torch.load(os.path.join(save_dir, f'latest_net_{which}.pth'), map_location='cpu'), strict=True)
    else:
        init_normal(netG)
        init_normal(netD)
    if opt.norm == 'syncbatch':
        netG = nn.SyncBatchNorm.convert_sync_batchnorm(netG)  # same state_dict keys as BatchNorm2d
        netD = nn.SyncBatchNorm.convert_sync_batchnorm(netD)
    netG.to(device).train()
    netD.to(device).train()
    if world > 1:
        ids = [local_rank] if cuda else None
        # broadcast_buffers=False: D runs twice before its backward (fake, then real pairs, as the reference does);
        # re-broadcasting batch-norm buffers in between is an in-place change autograd rejects. Each process keeps
        # its own running statistics (rank 0's are saved); --norm syncbatch on GPUs computes them over all processes.
        netG = nn.parallel.DistributedDataParallel(netG, device_ids=ids, broadcast_buffers=False)
        netD = nn.parallel.DistributedDataParallel(netD, device_ids=ids, broadcast_buffers=False)
    plainG = netG.module if world > 1 else netG
    plainD = netD.module if world > 1 else netD

    data = AlignedPairs(opt.dataroot, 'train', opt.load_size, size, opt.direction, not opt.no_flip)
    sampler = torch.utils.data.distributed.DistributedSampler(data, seed=opt.seed) if world > 1 else None
    loader = torch.utils.data.DataLoader(data, batch_size=opt.batch_size, shuffle=sampler is None, sampler=sampler, drop_last=True)
    optG = torch.optim.Adam(netG.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))
    optD = torch.optim.Adam(netD.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))
    gan = nn.BCEWithLogitsLoss()
    l1 = nn.L1Loss()

    def save():
        if rank == 0:
            os.makedirs(save_dir, exist_ok=True)
            for net, which in ((plainG, 'G'), (plainD, 'D')):
                state = {k: v.cpu() for k, v in net.state_dict().items()}
                torch.save(state, os.path.join(save_dir, f'latest_net_{which}.pth'))

    step, epoch, start = 0, 0, time.time()
    while step < opt.n_iters:
        if sampler is not None:
            sampler.set_epoch(epoch)
        for real_a, real_b in loader:
            real_a, real_b = real_a.to(device), real_b.to(device)
            fake_b = netG(real_a)
            # D: real pairs → 1, fake pairs → 0; loss halved as in pix2pix.
            for param in plainD.parameters():
                param.requires_grad_(True)
            optD.zero_grad()
            pred_fake = netD(torch.cat((real_a, fake_b.detach()), 1))
            pred_real = netD(torch.cat((real_a, real_b), 1))
            loss_d = 0.5 * (gan(pred_fake, torch.zeros_like(pred_fake)) + gan(pred_real, torch.ones_like(pred_real)))
            loss_d.backward()
            optD.step()
            # G: fool D (through the unwrapped D: its parameters are frozen, nothing to all-reduce) + λ·L1.
            for param in plainD.parameters():
                param.requires_grad_(False)
            optG.zero_grad()
            pred = plainD(torch.cat((real_a, fake_b), 1))
            loss_g_gan = gan(pred, torch.ones_like(pred))
            loss_l1 = l1(fake_b, real_b)
            (loss_g_gan + opt.lambda_L1 * loss_l1).backward()
            optG.step()
            step += 1
            if rank == 0 and (step % 5 == 0 or step == 1):
                print(f'[rank 0/{world}] iter {step}: D {loss_d.item():.3f}  G_GAN {loss_g_gan.item():.3f}  G_L1 {loss_l1.item():.3f}  '
                      f'({(time.time() - start) / step:.2f} s/iter)', flush=True)
            if step % opt.save_every == 0:
                save()
            if step >= opt.n_iters:
                break
        epoch += 1
    save()
    if rank == 0:
        print(f'saved {save_dir}/latest_net_G.pth and latest_net_D.pth after {step} iterations on {world} process(es)', flush=True)
    if world > 1:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
