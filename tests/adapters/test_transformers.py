"""Side-by-side tests of the HF transformers drop-ins against transformers 5.24.0.

The LR of every param group after construction and after every step equals
HF's (its ``LambdaLR``: the group's initial LR times ``lr_lambda(step)``) in
float64 at ``rtol=1e-12``, plus an absolute floor of 4 ulps of the group's
peak LR (``4 * eps * base_lr``) where a curve is near a zero of a difference
(the end of a linear decay, a cosine near its minimum past the end of
training, the start of a 1-sqrt warmup): there both computations only keep
absolute accuracy.  ``LRCURVES_HF_PARITY_SETS`` (random parameter sets per
schedule, default 30) and ``LRCURVES_HF_PARITY_STEPS`` (maximum run length,
default 400) scale the run up.

The Trainer test trains a tiny randomly initialised torch module (no hub
download) with HF ``Trainer`` twice -- HF's own scheduler, then the drop-in
through ``optimizers=(opt, scheduler)`` -- and checks the logged learning
rate at every step, then resumes from a checkpoint.
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import random
import warnings
from typing import Any

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import transformers.optimization as H  # noqa: E402
from lrcurves.adapters import transformers as A  # noqa: E402

import lrcurves  # noqa: E402
from lrcurves.compat import transformers as hf  # noqa: E402
from lrcurves.compat.torch import ZeroLengthError  # noqa: E402

SETS = int(os.environ.get("LRCURVES_HF_PARITY_SETS", "30"))
STEPS = int(os.environ.get("LRCURVES_HF_PARITY_STEPS", "400"))
EPS = 2.0**-52
RTOL = 1e-12


@pytest.fixture(autouse=True)
def _no_order_warning() -> Any:
    # these tests step schedulers without training; torch's call-order warning is tested elsewhere
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step", category=UserWarning)
        yield


def make_opt(lrs: list[float], *, adam: bool = True, tensor: bool = False, default_lr: float | None = None) -> Any:
    groups = []
    for i, lr in enumerate(lrs):
        p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
        v: Any = torch.tensor(lr, dtype=torch.float64) if tensor and i == len(lrs) - 1 else lr
        groups.append({"params": [p], "lr": v})
    d = lrs[0] if default_lr is None else default_lr
    return torch.optim.AdamW(groups, lr=d) if adam else torch.optim.SGD(groups, lr=d, momentum=0.9)


def lrs_of(opt: Any) -> list[float]:
    return [float(g["lr"]) for g in opt.param_groups]


def _params(name: str, r: random.Random) -> tuple[int | None, int | None, dict[str, Any]]:
    """Random (num_warmup_steps, num_training_steps, scheduler_specific_kwargs) for ``name``."""
    w = r.choice([0, r.randint(0, 50), r.randint(1, 300)])
    total = w + r.randint(1, STEPS)
    kw: dict[str, Any] = {}
    if name == "constant":
        return None, None, {}
    if name == "constant_with_warmup":
        return w, None, {}
    if name == "inverse_sqrt":
        return w, None, r.choice([{}, {"timescale": r.randint(1, 500)}])
    if name in ("cosine", "cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        if r.random() < 0.3:
            nc = r.choice([1.0, 1.5, 2.0])
            d = r.randint(1, 20) * int(2 * nc)
            total = w + d
            kw["num_cycles"] = nc
        if name != "cosine":
            if r.random() < 0.5:
                kw["min_lr_rate"] = r.uniform(0.0, 0.5)
            else:
                kw["min_lr"] = r.uniform(0.0, 1e-5)
        if name == "cosine_warmup_with_min_lr" and r.random() < 0.5:
            kw["warmup_lr_rate"] = r.uniform(0.0, 0.9)
    if name == "cosine_with_restarts":
        nc = r.randint(1, 6)
        total = w + nc * r.randint(1, max(1, STEPS // nc))
        kw["num_cycles"] = nc
    if name == "polynomial":
        kw = {"power": r.choice([1.0, r.uniform(0.2, 4.0)]), "lr_end": r.choice([1e-7, r.uniform(0.0, 1e-6)])}
    if name == "warmup_stable_decay":
        d = r.randint(0, 200)
        kw = {"num_decay_steps": d, "warmup_type": r.choice(hf.WSD_TYPES), "decay_type": r.choice(hf.WSD_TYPES),
              "min_lr_ratio": r.choice([0.0, r.uniform(0.0, 0.5)])}
        if kw["decay_type"] == "cosine" and d and r.random() < 0.3 and d % 2 == 0:
            kw["num_cycles"] = 1.0
        if r.random() < 0.3:
            kw["num_stable_steps"] = r.randint(0, 200)
            total = None
        else:
            total = w + d + r.randint(-20, 200)
    return w, total, kw


_STATS: dict[str, list[int]] = {}


@pytest.mark.parametrize("name", hf.NAMES)
def test_parity_random(name: str) -> None:
    """get_scheduler(name, ...) vs HF's get_scheduler: every group, after construction and every step."""
    rng = random.Random(f"hf-parity-{name}")
    n_steps = n_values = 0
    for _ in range(SETS):
        n = rng.randint(1, 3)
        lrs = [10 ** rng.uniform(-5, -2) for _ in range(n)]
        w, total, kw = _params(name, rng)
        adam, tensor = rng.random() < 0.5, rng.random() < 0.3
        o_h, o_d = make_opt(lrs, adam=adam, tensor=tensor), make_opt(lrs, adam=adam, tensor=tensor)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s_h = H.get_scheduler(name, o_h, w, total, copy.deepcopy(kw))
            s_d = A.get_scheduler(name, o_d, w, total, copy.deepcopy(kw))
        o_h.step()
        o_d.step()
        end = (total or (w or 0) + kw.get("num_stable_steps", 0) + kw.get("num_decay_steps", 0) or 50)
        steps = end + rng.randint(0, max(10, end // 2))  # past the end too
        for k in range(steps + 1):
            for a, b, base in zip(lrs_of(o_d), lrs_of(o_h), lrs, strict=True):
                assert abs(a - b) <= RTOL * abs(b) + 4 * EPS * base, (name, w, total, kw, k, a, b)
            n_values += n
            if k < steps:
                s_h.step()
                s_d.step()
                n_steps += 1
        assert [float(v) for v in s_d.get_last_lr()] == lrs_of(o_d)
    _STATS[name] = [SETS, n_steps, n_values]


def test_parity_summary() -> None:
    """Print how much was compared (run with -s to see it)."""
    if _STATS:
        total = [sum(v[i] for v in _STATS.values()) for i in range(3)]
        print(f"\nHF drop-in parity: {total[0]} parameter sets, {total[1]} steps, {total[2]} group LRs compared")


@pytest.mark.parametrize("name", hf.NAMES)
def test_functions_equal_hf_functions(name: str) -> None:
    """Every get_* function with HF's signature gives HF's values (2 groups, one tensor LR)."""
    fn_name = {v: k for k, v in hf.FUNCTIONS.items()}[name]
    ours, theirs = getattr(A, fn_name), getattr(H, fn_name)
    import inspect

    assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters)
    for p_o, p_t in zip(inspect.signature(ours).parameters.values(), inspect.signature(theirs).parameters.values(), strict=True):
        assert p_o.default == p_t.default, (fn_name, p_o.name)
    args: dict[str, Any] = {
        "constant": {}, "constant_with_warmup": {"num_warmup_steps": 7},
        "linear": {"num_warmup_steps": 7, "num_training_steps": 50},
        "cosine": {"num_warmup_steps": 7, "num_training_steps": 50},
        "cosine_with_restarts": {"num_warmup_steps": 8, "num_training_steps": 50, "num_cycles": 3},
        "polynomial": {"num_warmup_steps": 7, "num_training_steps": 50, "power": 2.0},
        "inverse_sqrt": {"num_warmup_steps": 7},
        "cosine_with_min_lr": {"num_warmup_steps": 7, "num_training_steps": 50, "min_lr": 1e-5},
        "cosine_warmup_with_min_lr": {"num_warmup_steps": 7, "num_training_steps": 50, "min_lr_rate": 0.05},
        "warmup_stable_decay": {"num_warmup_steps": 7, "num_decay_steps": 9, "num_training_steps": 50},
    }[name]
    o_h, o_d = make_opt([1e-3, 3e-4], tensor=True), make_opt([1e-3, 3e-4], tensor=True)
    s_h, s_d = theirs(o_h, **args), ours(o_d, **args)
    for k in range(80):
        assert lrs_of(o_d) == pytest.approx(lrs_of(o_h), rel=RTOL, abs=4 * EPS * 1e-3), (name, k)
        s_h.step()
        s_d.step()


# ---------------------------------------------------------------------------
# get_scheduler dispatch and errors


def _same_error(call_hf: Any, call_ours: Any) -> None:
    with pytest.raises(Exception) as e_h:
        call_hf()
    with pytest.raises(type(e_h.value)) as e_d:
        call_ours()
    assert str(e_d.value) == str(e_h.value) or type(e_h.value) is TypeError


@pytest.mark.parametrize(
    "args",
    [
        ("nope", None, None, None),
        ("linear", None, 10, None),
        ("linear", 3, None, None),
        ("cosine", 3, None, None),
        ("cosine_with_restarts", None, None, None),
        ("polynomial", 3, None, None),
        ("constant_with_warmup", None, None, None),
        ("inverse_sqrt", None, None, None),
        ("cosine_with_min_lr", 3, 10, None),
        ("cosine_with_min_lr", 3, 10, {"min_lr": 1e-5, "min_lr_rate": 0.1}),
        ("cosine_warmup_with_min_lr", 3, 10, {}),
        ("warmup_stable_decay", 3, None, {"num_decay_steps": 2}),
        ("warmup_stable_decay", 3, 10, {"num_decay_steps": 2, "warmup_type": "exp"}),
        ("warmup_stable_decay", 3, 10, {"num_decay_steps": 2, "decay_type": "exp"}),
        ("warmup_stable_decay", 3, 10, None),
        ("polynomial", 3, 10, {"lr_end": 1.0}),
        ("linear", 3, 10, {"bogus": 1}),
        ("inverse_sqrt", 3, None, {"num_cycles": 2}),
    ],
)
def test_get_scheduler_errors_as_hf(args: Any) -> None:
    name, w, total, kw = args
    _same_error(lambda: H.get_scheduler(name, make_opt([1e-3]), w, total, copy.deepcopy(kw)),
                lambda: A.get_scheduler(name, make_opt([1e-3]), w, total, copy.deepcopy(kw)))


def test_get_scheduler_dispatch() -> None:
    opt = make_opt([1e-3])
    assert A.get_scheduler("constant", opt, 5, 10, {"ignored": 1}).get_last_lr() == [1e-3]  # as HF: ignored
    plateau = A.get_scheduler("reduce_lr_on_plateau", make_opt([1e-3]), scheduler_specific_kwargs={"patience": 2})
    assert isinstance(plateau, torch.optim.lr_scheduler.ReduceLROnPlateau) and plateau.patience == 2
    assert isinstance(A.get_scheduler("greedy", make_opt([1e-3])), H.GreedyLR)
    from transformers.trainer_utils import SchedulerType

    for st in SchedulerType:
        assert st.value in hf.SCHEDULER_TYPES
    assert len(SchedulerType) == len(hf.SCHEDULER_TYPES)
    s = A.get_scheduler(SchedulerType.COSINE, make_opt([1e-3]), 2, 10)
    assert s.get_last_lr() == [0.0]
    with pytest.warns(UserWarning, match="num_stable_steps will be used"):
        A.get_scheduler("warmup_stable_decay", make_opt([1e-3]), 2, 10, {"num_decay_steps": 2, "num_stable_steps": 3})


def test_every_hf_function_is_provided() -> None:
    exported = {n for n in dir(transformers) if n.startswith("get_") and "schedule" in n}
    assert exported <= set(A.__all__), exported - set(A.__all__)
    assert set(hf.FUNCTIONS) | {"get_reduce_on_plateau_schedule", "get_greedy_schedule", "get_scheduler"} == exported


# ---------------------------------------------------------------------------
# last_epoch and state dicts


def test_last_epoch_handling() -> None:
    for mod in (H, A):
        with pytest.raises(KeyError, match="initial_lr"):
            mod.get_linear_schedule_with_warmup(make_opt([1e-3]), 5, 50, last_epoch=10)
    o_h, o_d = make_opt([1e-3, 2e-3]), make_opt([1e-3, 2e-3])
    for o in (o_h, o_d):
        for g in o.param_groups:
            g["initial_lr"] = g["lr"]
    s_h = H.get_cosine_schedule_with_warmup(o_h, 5, 50, last_epoch=10)
    s_d = A.get_cosine_schedule_with_warmup(o_d, 5, 50, last_epoch=10)
    assert s_h.last_epoch == s_d.last_epoch == 11
    assert lrs_of(o_d) == lrs_of(o_h)


def test_state_dict_interop() -> None:
    o_h, o_d = make_opt([1e-3, 5e-4]), make_opt([1e-3, 5e-4])
    s_h = H.get_wsd_schedule(o_h, 5, 10, num_training_steps=40)
    s_d = A.get_wsd_schedule(o_d, 5, 10, num_training_steps=40)
    for _ in range(17):
        s_h.step()
        s_d.step()
    sd_h, sd_d = s_h.state_dict(), s_d.state_dict()
    assert sd_h == sd_d
    buf = io.BytesIO()
    torch.save(sd_d, buf)
    buf.seek(0)
    assert torch.load(buf, weights_only=True) == sd_h
    # HF loads ours and we load HF's; both continue on HF's curve
    o_h2, o_d2 = make_opt([1e-3, 5e-4]), make_opt([1e-3, 5e-4])
    h2 = H.get_wsd_schedule(o_h2, 5, 10, num_training_steps=40)
    d2 = A.get_wsd_schedule(o_d2, 5, 10, num_training_steps=40)
    h2.load_state_dict(copy.deepcopy(sd_d))
    d2.load_state_dict(copy.deepcopy(sd_h))
    for _ in range(30):
        for s in (s_h, s_d, h2, d2):
            s.step()
        assert lrs_of(o_d) == lrs_of(o_h2) == lrs_of(o_d2) == pytest.approx(lrs_of(o_h), rel=RTOL)


# ---------------------------------------------------------------------------
# pure schedules, configs, TrainingArguments


@pytest.mark.parametrize("name", hf.NAMES)
def test_pure_schedule_equals_drop_in(name: str) -> None:
    rng = random.Random(f"hf-pure-{name}")
    for _ in range(5):
        w, total, kw = _params(name, rng)
        base = 10 ** rng.uniform(-5, -2)
        opt = make_opt([base])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = A.get_scheduler(name, opt, w, total, copy.deepcopy(kw))
            pure = hf.schedule(name, base, **hf._get_scheduler_params(name, w, total, copy.deepcopy(kw)))
        want = lrcurves.curve(pure, 200).tolist()  # the curve's own numbers, read in chunks
        for k in range(200):
            assert lrs_of(opt)[0] == want[k], (name, k)
            s.step()
        assert s.schedule == hf.multiplier(name, **{**hf._get_scheduler_params(name, w, total, copy.deepcopy(kw)),
                                                    **({"lr_init": base} if name == "polynomial" else {}),
                                                    **({"optimizer_lr": base} if "min_lr" in name else {})})


def test_from_config_formats() -> None:
    cfg = {"transformers": "cosine", "num_warmup_steps": 10, "num_training_steps": 100}
    s = lrcurves.from_config(cfg, base_lr=1e-3)
    assert s == hf.schedule("cosine", 1e-3, num_warmup_steps=10, num_training_steps=100)
    nested = {"transformers": "cosine_with_min_lr", "params": {"num_warmup_steps": 10, "num_training_steps": 100,
                                                             "scheduler_specific_kwargs": {"min_lr_rate": 0.1}}}
    assert lrcurves.from_config(nested, base_lr=1e-3).value(100) == pytest.approx(1e-4)
    assert lrcurves.from_config(s.to_config()) == s
    with pytest.raises(ValueError, match="base_lr"):
        lrcurves.from_config(cfg)
    with pytest.raises(ValueError, match="not a valid SchedulerType"):
        lrcurves.from_config({"transformers": "cosinus"}, base_lr=1e-3)


def test_training_arguments(tmp_path: Any) -> None:
    """from_training_args(TrainingArguments) is the schedule Trainer builds from it."""
    from transformers import TrainingArguments

    cases = [
        {"lr_scheduler_type": "cosine", "learning_rate": 3e-4, "warmup_steps": 0.1, "max_steps": 250},
        {"lr_scheduler_type": "linear", "learning_rate": 1e-3, "warmup_steps": 17, "num_train_epochs": 2.5},
        {"lr_scheduler_type": "cosine_with_min_lr", "learning_rate": 1e-3, "warmup_steps": 5, "max_steps": 60,
         "lr_scheduler_kwargs": {"min_lr": 1e-5}},
        {"lr_scheduler_type": "warmup_stable_decay", "learning_rate": 1e-3, "warmup_steps": 5, "max_steps": 60,
         "lr_scheduler_kwargs": json.dumps({"num_decay_steps": 10, "decay_type": "1-sqrt"})},
    ]
    spe = 37
    for fields in cases:
        args = TrainingArguments(output_dir=str(tmp_path), report_to=[], use_cpu=True, **fields)
        total = args.max_steps if args.max_steps > 0 else math.ceil(args.num_train_epochs * spe)
        opt = make_opt([args.learning_rate])
        ref = H.get_scheduler(args.lr_scheduler_type, opt, args.get_warmup_steps(total), total, args.lr_scheduler_kwargs)
        ours = hf.from_training_args(args, steps_per_epoch=spe)
        as_dict = hf.from_training_args(json.loads(args.to_json_string()), steps_per_epoch=spe)
        assert ours == as_dict
        for k in range(total + 5):
            assert ours.value(k) == pytest.approx(lrs_of(opt)[0], rel=RTOL, abs=4 * EPS * args.learning_rate), (fields, k)
            ref.step()
    # a whole TrainingArguments JSON dump, through from_config
    dump = tmp_path / "args.json"
    args = TrainingArguments(output_dir=str(tmp_path), report_to=[], use_cpu=True, lr_scheduler_type="cosine",
                             learning_rate=1e-3, max_steps=100, warmup_steps=10)
    dump.write_text(args.to_json_string())
    assert lrcurves.from_config(str(dump)) == hf.from_training_args(args)
    # warmup_ratio of transformers 4.x
    s = hf.from_training_args(lr_scheduler_type="linear", learning_rate=1.0, max_steps=10, warmup_ratio=0.3)
    assert [s.value(k) for k in range(4)] == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    with pytest.raises(ValueError, match="steps_per_epoch"):
        hf.from_training_args(lr_scheduler_type="linear", num_train_epochs=3)


def test_cli_plots_training_arguments(tmp_path: Any, capsys: Any) -> None:
    from lrcurves._cli import main

    path = tmp_path / "args.json"
    path.write_text(json.dumps({"lr_scheduler_type": "cosine", "learning_rate": 1e-3, "warmup_steps": 10,
                                "num_train_epochs": 3, "steps_per_epoch": 40}))
    assert main(["summary", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0.001" in out or "1e-03" in out or "1.000e-03" in out
    cfg = tmp_path / "hf.json"
    cfg.write_text(json.dumps({"transformers": "linear", "num_warmup_steps": 5, "num_training_steps": 50}))
    assert main(["export", "--config", str(cfg), "--base-lr", "0.01", "-o", str(tmp_path / "lr.csv")]) == 0
    rows = (tmp_path / "lr.csv").read_text().splitlines()
    assert len(rows) > 50


# ---------------------------------------------------------------------------
# the listed differences


def test_difference_1_whole_step_periods() -> None:
    H.get_cosine_schedule_with_warmup(make_opt([1e-3]), 3, 100, num_cycles=0.3)  # HF accepts
    with pytest.raises(ValueError, match="half wave"):
        A.get_cosine_schedule_with_warmup(make_opt([1e-3]), 3, 100, num_cycles=0.3)
    with pytest.raises(ValueError, match="whole number of steps per cycle"):
        A.get_cosine_with_hard_restarts_schedule_with_warmup(make_opt([1e-3]), 3, 100, num_cycles=2)
    A.get_cosine_with_hard_restarts_schedule_with_warmup(make_opt([1e-3]), 3, 99, num_cycles=2)


def test_difference_2_zero_length_decays() -> None:
    s = H.get_polynomial_decay_schedule_with_warmup(make_opt([1e-3]), 5, 5)
    with pytest.raises(ZeroDivisionError):
        for _ in range(6):
            s.step()
    with pytest.raises(ZeroLengthError) as e:
        A.get_polynomial_decay_schedule_with_warmup(make_opt([1e-3]), 5, 5)
    assert isinstance(e.value, ZeroDivisionError) and isinstance(e.value, ValueError)
    s = H.get_inverse_sqrt_schedule(make_opt([1e-3]), 2, timescale=0)
    with pytest.raises(ZeroDivisionError):
        for _ in range(3):
            s.step()
    with pytest.raises(ZeroDivisionError):
        A.get_inverse_sqrt_schedule(make_opt([1e-3]), 2, timescale=0)


@pytest.mark.parametrize(
    "call",
    [
        lambda o: A.get_polynomial_decay_schedule_with_warmup(o, 2, 10, lr_end=-1e-5),
        lambda o: A.get_polynomial_decay_schedule_with_warmup(o, 2, 10, power=0.0),
        lambda o: A.get_cosine_with_min_lr_schedule_with_warmup(o, 2, 10, min_lr_rate=-0.1),
        lambda o: A.get_wsd_schedule(o, 2, 3, num_training_steps=10, min_lr_ratio=-0.1),
        lambda o: A.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(o, 3, 10, min_lr_rate=0.1, warmup_lr_rate=-0.5),
        lambda o: A.get_inverse_sqrt_schedule(o, 2, timescale=-4),
        lambda o: A.get_linear_schedule_with_warmup(o, -2, 10),
        lambda o: A.get_linear_schedule_with_warmup(o, 2.5, 10),
    ],
)
def test_difference_3_invalid_values(call: Any) -> None:
    with pytest.raises(ValueError):
        call(make_opt([1e-3]))


def test_difference_4_lambdalr_class() -> None:
    s = A.get_linear_schedule_with_warmup(make_opt([1e-3]), 2, 10)
    assert not isinstance(s, torch.optim.lr_scheduler.LambdaLR)
    assert isinstance(s, torch.optim.lr_scheduler.LRScheduler)
    ref = H.get_linear_schedule_with_warmup(make_opt([1e-3]), 2, 10)
    assert [s.lr_lambdas[0].value(k) for k in range(12)] == pytest.approx([ref.lr_lambdas[0](k) for k in range(12)], rel=RTOL)
    assert lrcurves.curve(s.schedule, 12)[3] == s.lr_lambdas[0].value(3)


# ---------------------------------------------------------------------------
# HF Trainer


class _Tiny(torch.nn.Module):
    """A randomly initialised regression model with HF's forward contract (no hub)."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(4, 1)

    def forward(self, x: Any, labels: Any = None) -> dict[str, Any]:
        out = self.lin(x).squeeze(-1)
        return {"loss": ((out - labels) ** 2).mean(), "logits": out}


def _data() -> list[dict[str, Any]]:
    g = torch.Generator().manual_seed(0)
    return [{"x": torch.randn(4, generator=g), "labels": torch.randn((), generator=g)} for _ in range(48)]


def _train(out: str, kind: str, *, ours: bool, resume: str | None = None) -> list[tuple[int, float]]:
    from transformers import Trainer, TrainingArguments, set_seed

    set_seed(0)
    args = TrainingArguments(
        output_dir=out, max_steps=24, per_device_train_batch_size=4, logging_steps=1, save_strategy="steps",
        save_steps=12, report_to=[], use_cpu=True, learning_rate=1e-3, lr_scheduler_type=kind, warmup_steps=5,
        lr_scheduler_kwargs={"min_lr_rate": 0.1} if kind == "cosine_with_min_lr" else {}, disable_tqdm=True,
        seed=0, logging_strategy="steps",
    )
    model = _Tiny()
    optimizers: Any = (None, None)
    if ours:
        opt = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
        sched = A.get_scheduler(kind, opt, args.get_warmup_steps(args.max_steps), args.max_steps, args.lr_scheduler_kwargs)
        optimizers = (opt, sched)
    trainer = Trainer(model=model, args=args, train_dataset=_data(), optimizers=optimizers)
    trainer.train(resume_from_checkpoint=resume)
    if ours:
        assert trainer.lr_scheduler is sched or getattr(trainer.lr_scheduler, "scheduler", None) is sched
    return [(e["step"], e["learning_rate"]) for e in trainer.state.log_history if "learning_rate" in e]


@pytest.mark.parametrize("kind", ["cosine", "cosine_with_min_lr"])
def test_trainer_logged_lr_and_resume(tmp_path: Any, kind: str) -> None:
    hf_log = _train(str(tmp_path / "hf"), kind, ours=False)
    our_log = _train(str(tmp_path / "ours"), kind, ours=True)
    assert [s for s, _ in our_log] == list(range(1, 25))
    assert [s for s, _ in our_log] == [s for s, _ in hf_log]
    for (s, a), (_, b) in zip(our_log, hf_log, strict=True):
        assert a == pytest.approx(b, rel=RTOL, abs=4 * EPS * 1e-3), s
    # resume from step 12: the curve continues exactly
    resumed = _train(str(tmp_path / "ours"), kind, ours=True, resume=str(tmp_path / "ours" / "checkpoint-12"))
    tail = [e for e in resumed if e[0] > 12]  # the log before step 12 comes from the checkpoint
    assert [s for s, _ in tail] == list(range(13, 25))
    assert tail == our_log[12:]


def test_shipped_examples() -> None:
    """examples/hf_training_args.json and examples/torch_sequential.json load and match their originals."""
    from pathlib import Path

    ex = Path(__file__).resolve().parents[2] / "examples"
    s = lrcurves.from_config(str(ex / "hf_training_args.json"))
    total = 3 * 1200
    opt = make_opt([3e-4])
    ref = H.get_scheduler("cosine_with_min_lr", opt, math.ceil(total * 0.05), total, {"min_lr_rate": 0.1})
    for k in range(total + 1):
        assert s.value(k) == pytest.approx(lrs_of(opt)[0], rel=RTOL, abs=4 * EPS * 3e-4)
        ref.step()
    seq = lrcurves.from_config(str(ex / "torch_sequential.json"), base_lr=3e-4)
    assert seq.value(0) == pytest.approx(3e-6) and seq.value(500) == 3e-4 and seq.value(10000) == pytest.approx(1e-6)
