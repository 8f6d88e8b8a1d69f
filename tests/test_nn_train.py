"""Training loops against torch: same weights and data in -> the same losses and parameters after
several optimizer steps (float32 tolerance)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")


def copy_weights(cm, tm):
    cm.load_state_dict(
        {k: cr.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()}
    )


def mlp(nn):
    return nn.Sequential(
        nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3)
    )


def cnn(nn):
    return nn.Sequential(
        nn.Conv2d(
            1, 4, 3, padding=1, bias=False
        ),  # a bias before BN has ~0 grad: Adam would amplify noise
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3),
        nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.0),
        nn.Linear(6, 3),
    )


class CharRNN:
    """An embedding + LSTM/GRU + linear head, written once for both libraries."""

    @staticmethod
    def make(lib, kind="LSTM"):
        nn = lib.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(7, 5)
                self.rnn = getattr(nn, kind)(5, 8, num_layers=2, batch_first=True)
                self.norm = nn.LayerNorm(8)
                self.head = nn.Linear(8, 7)

            def forward(self, x):
                h, _ = self.rnn(self.emb(x))
                return self.head(self.norm(h)).reshape(-1, 7)

        return Net()


def train_both(
    make,
    opt_make,
    x,
    y,
    loss_name="cross_entropy",
    steps=5,
    clip=None,
    sched=None,
    tol=(2e-4, 2e-5),
):
    torch.manual_seed(0)  # the initial weights must not depend on which tests ran before
    tm = make(torch.nn) if not isinstance(make, tuple) else make[0](torch)
    cm = make(cr.nn) if not isinstance(make, tuple) else make[0](cr)
    copy_weights(cm, tm)
    topt = opt_make(torch, tm.parameters())
    copt = opt_make(cr, cm.parameters())
    tsch = sched(torch, topt) if sched else None
    csch = sched(cr, copt) if sched else None
    tx, cx = torch.tensor(x), cr.tensor(x)
    ty, cy = torch.tensor(y), cr.tensor(y)
    for _ in range(steps):
        topt.zero_grad()
        copt.zero_grad()
        tl = getattr(torch.nn.functional, loss_name)(tm(tx), ty)
        cl = getattr(cr.nn.functional, loss_name)(cm(cx), cy)
        np.testing.assert_allclose(cl.item(), tl.item(), rtol=tol[0], atol=tol[1])
        tl.backward()
        cl.backward()
        if clip:
            tn = torch.nn.utils.clip_grad_norm_(tm.parameters(), clip)
            cn = cr.nn.utils.clip_grad_norm_(cm.parameters(), clip)
            np.testing.assert_allclose(cn.item(), tn.item(), rtol=tol[0])
        topt.step()
        copt.step()
        if tsch:
            tsch.step()
            csch.step()
            assert csch.get_last_lr() == pytest.approx(tsch.get_last_lr(), rel=1e-12)
    tp = dict(tm.named_parameters())
    for name, p in cm.named_parameters():
        np.testing.assert_allclose(
            p.detach().numpy(), tp[name].detach().numpy(), rtol=tol[0], atol=tol[1], err_msg=name
        )
    tb = dict(tm.named_buffers())
    for name, b in cm.named_buffers():
        np.testing.assert_allclose(
            b.numpy(), tb[name].numpy(), rtol=tol[0], atol=tol[1], err_msg=name
        )
    return cm, tm


rng = np.random.default_rng(0)
XM = rng.standard_normal((16, 8)).astype(np.float32)
YM = rng.integers(0, 3, 16)
XC = rng.standard_normal((8, 1, 8, 8)).astype(np.float32)
YC = rng.integers(0, 3, 8)
XS = rng.integers(0, 7, (4, 6))
YS = rng.integers(0, 7, 24)

OPTS = {
    "sgd": lambda L, p: L.optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda L, p: L.optim.SGD(
        p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-3
    ),
    "sgd_nesterov": lambda L, p: L.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    "sgd_maximize": lambda L, p: L.optim.SGD(p, lr=0.01, momentum=0.5, maximize=True),
    "adam": lambda L, p: L.optim.Adam(p, lr=1e-2),
    "adam_wd_amsgrad": lambda L, p: L.optim.Adam(p, lr=1e-2, weight_decay=1e-2, amsgrad=True),
    "adamw": lambda L, p: L.optim.AdamW(p, lr=1e-2, betas=(0.8, 0.99)),
    "rmsprop": lambda L, p: L.optim.RMSprop(p, lr=1e-2),
    "rmsprop_centered_momentum": lambda L, p: L.optim.RMSprop(
        p, lr=1e-3, momentum=0.9, centered=True, weight_decay=1e-2
    ),
    "adagrad": lambda L, p: L.optim.Adagrad(
        p, lr=0.1, lr_decay=1e-2, weight_decay=1e-3, initial_accumulator_value=0.1
    ),
}


@pytest.mark.parametrize("opt", list(OPTS))
def test_mlp_training_matches_torch(opt):
    train_both(mlp, OPTS[opt], XM, YM)


@pytest.mark.parametrize("opt", ["sgd_momentum", "adam"])
def test_cnn_training_matches_torch(opt):
    train_both(cnn, OPTS[opt], XC, YC)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_char_rnn_training_matches_torch(kind):
    train_both((lambda L, k=kind: CharRNN.make(L, k),), OPTS["adam"], XS, YS, clip=0.5)


def test_mse_regression_with_scheduler():
    x = rng.standard_normal((32, 8)).astype(np.float32)
    y = rng.standard_normal((32, 3)).astype(np.float32)
    train_both(
        mlp,
        OPTS["sgd_momentum"],
        x,
        y,
        loss_name="mse_loss",
        steps=8,
        sched=lambda L, o: L.optim.lr_scheduler.StepLR(o, 3, gamma=0.5),
    )


def test_param_groups_training():
    def opt(L, params):
        params = list(params)
        return L.optim.SGD(
            [{"params": params[:2], "lr": 0.2}, {"params": params[2:]}], lr=0.05, momentum=0.9
        )

    train_both(
        mlp, opt, XM, YM, sched=lambda L, o: L.optim.lr_scheduler.CosineAnnealingLR(o, T_max=3)
    )


def test_bce_with_logits_training():
    x = rng.standard_normal((16, 8)).astype(np.float32)
    y = (rng.random((16, 3)) > 0.5).astype(np.float32)
    train_both(mlp, OPTS["adamw"], x, y, loss_name="binary_cross_entropy_with_logits")


def test_eval_mode_inference_matches_after_training():
    cm, tm = train_both(cnn, OPTS["adam"], XC, YC)
    cm.eval()
    tm.eval()
    with cr.no_grad():
        c = cm(cr.tensor(XC))
    with torch.no_grad():
        t = tm(torch.tensor(XC))
    assert not c.requires_grad
    np.testing.assert_allclose(c.numpy(), t.numpy(), rtol=2e-4, atol=2e-5)
