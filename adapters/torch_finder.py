"""PyTorch LR finder: run a learning-rate range test on a model, then put everything back.

:func:`find_lr` trains ``model`` for up to ``num_steps`` optimizer steps
while the learning rate follows a core range-test schedule
(:func:`lrcurves.finder.range_test_schedule`), then restores the model, the
optimizer and torch's RNG exactly as they were.  The loss analysis
(smoothing, divergence, suggestions, plot) is the framework-free
:class:`lrcurves.finder.FinderResult`, shared with the JAX finder.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch.optim import Optimizer

from lrcurves.finder import FinderResult, run_range_test
from lrcurves.validate import brief

__all__ = ["find_lr"]

_NAME = "find_lr"


class _Snapshot:
    """Everything :func:`find_lr` may change, copied so it can be put back bit for bit.

    * model parameters and buffers: a deep copy of ``state_dict()``, loaded
      back with ``load_state_dict`` (in place: the tensors keep their identity);
    * ``.grad`` of every parameter (clones; ``None`` stays ``None``);
    * the optimizer: a deep copy of ``state_dict()`` (its per-parameter state
      and hyperparameters) loaded back with ``load_state_dict``; then the
      original param-group dicts are put back with the loaded values, and
      tensor hyperparameters (a tensor ``lr``, tensor ``betas``) are copied
      into the *original* tensors, so their identity survives too (a
      ``torch.compile``\\ d step or a scheduler holding them is unaffected);
    * torch's CPU RNG state and, when CUDA is initialised, every CUDA device's.
    """

    def __init__(self, model: torch.nn.Module, optimizer: Optimizer) -> None:
        self.model_state = copy.deepcopy(model.state_dict())
        params: dict[int, torch.Tensor] = {id(p): p for p in model.parameters()}
        for g in optimizer.param_groups:
            params.update((id(p), p) for p in g["params"])
        self.grads = [(p, None if p.grad is None else p.grad.detach().clone()) for p in params.values()]
        self.opt_state = copy.deepcopy(optimizer.state_dict())
        self.group_list = optimizer.param_groups
        self.groups = list(optimizer.param_groups)
        self.group_values = [dict(g) for g in self.groups]  # the original value objects
        self.cpu_rng = torch.get_rng_state()
        self.cuda_rng = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None

    def restore(self, model: torch.nn.Module, optimizer: Optimizer) -> None:
        with torch.no_grad():
            model.load_state_dict(self.model_state)
            for p, g in self.grads:
                p.grad = g
            optimizer.load_state_dict(self.opt_state)
            for orig, old, new in zip(self.groups, self.group_values, optimizer.param_groups, strict=True):
                for k, v in new.items():
                    new[k] = _keep_identity(old.get(k), v)
                orig.clear()
                orig.update(new)
            self.group_list[:] = self.groups
            optimizer.param_groups = self.group_list
        torch.set_rng_state(self.cpu_rng)
        if self.cuda_rng is not None:
            torch.cuda.set_rng_state_all(self.cuda_rng)


def _keep_identity(old: Any, new: Any) -> Any:
    """``new``'s value in ``old``'s tensor(s) when both are alike, else ``new``."""
    if isinstance(old, torch.Tensor) and isinstance(new, torch.Tensor):
        if old.shape == new.shape and old.dtype == new.dtype and old.device == new.device:
            old.copy_(new)
            return old
        return new
    if (
        isinstance(old, tuple)
        and isinstance(new, tuple)
        and len(old) == len(new)
        and any(isinstance(x, torch.Tensor) for x in old)
    ):
        return tuple(_keep_identity(a, b) for a, b in zip(old, new, strict=True))
    return new


def _lr_ratios(optimizer: Optimizer) -> list[float]:
    lrs = [float(g["lr"]) for g in optimizer.param_groups]
    top = max(lrs, default=0.0)
    if not lrs or not math.isfinite(top) or top <= 0.0 or min(lrs) < 0.0:
        raise ValueError(
            f"{_NAME}: optimizer param groups must have finite non-negative LRs, at least one > 0, "
            f"got {brief(lrs)}"
        )
    return [lr / top for lr in lrs]


def find_lr(
    model: torch.nn.Module,
    optimizer: Optimizer,
    loss_fn: Callable[[torch.nn.Module, Any], torch.Tensor],
    batches: Iterable[Any],
    *,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    mode: str = "exponential",
    smoothing: float = 0.98,
    diverge_factor: float = 4.0,
    accumulation_steps: int = 1,
    method: str = "valley",
    progress: bool = True,
) -> FinderResult:
    r"""LR range test: train while the LR sweeps up, record the loss, restore everything.

    Step ``i`` (``0 <= i < num_steps``) sets the learning rate from the
    range-test schedule (:func:`lrcurves.finder.range_test_schedule`: a
    geometric sweep with ``mode="exponential"``, equal increments with
    ``"linear"``), zeroes the gradients, runs ``accumulation_steps``
    micro-batches through ``loss_fn`` and ``backward()``, records the mean
    loss, and calls ``optimizer.step()``.  The run stops early at the first
    loss that is not finite (that step's update is skipped) or whose
    bias-corrected smoothed loss exceeds ``diverge_factor`` times the best
    so far (:class:`lrcurves.finder.LossMonitor`).

    **Param groups.**  The sweep value is the LR of the group with the
    largest initial LR; every other group keeps its ratio to it
    (``lr_i = sweep * initial_lr_i / max_j initial_lr_j``), so layer-wise
    LRs keep their shape and ``result.lrs`` / the suggestion are the top
    group's LR.  With one group (or equal LRs) the sweep value *is* the LR.
    Tensor LRs are updated in place with ``fill_``.  Momentum and the other
    hyperparameters are left alone.

    **Loss.**  ``loss_fn(model, batch)`` returns a scalar tensor: the *mean*
    loss of ``batch`` (move the batch to the model's device there).  Each
    micro-batch's loss is divided by ``accumulation_steps`` before
    ``backward()``, so ``k`` equal-size micro-batches of a batch give the
    same gradient, update and recorded loss as the whole batch.  The model is
    run in whatever mode it is in (call ``model.train()`` first if it has
    dropout or batch norm).  A ``torch.compile``\ d model works: pass it as
    ``model``.

    **Restore.**  Afterwards (also after an exception) the parameters and
    buffers, their ``.grad``, the optimizer's state and param groups (same
    dict and tensor objects) and torch's CPU/CUDA RNG state are exactly as
    before: bit for bit, from deep copies taken at the start (which cost one
    extra copy of the model and optimizer state).  Other RNGs (``random``,
    NumPy) and the data iterator are not rewound.

    **Batches.**  ``batches`` is iterated again from the start whenever it
    runs out (a list of one batch is full-batch training; a ``DataLoader``
    reshuffles); a one-shot iterator (a generator) that runs out before
    ``num_steps * accumulation_steps`` batches raises :class:`ValueError`.

    Args:
      model: the module (parameters and buffers are restored).
      optimizer: a ``torch.optim.Optimizer`` over the model's parameters.
      loss_fn: ``(model, batch) -> scalar loss tensor`` (the batch mean).
      batches: an iterable of batches (re-iterated when exhausted).
      start_lr: first learning rate, ``> 0``.
      end_lr: last learning rate, ``> start_lr``.
      num_steps: optimizer steps (learning rates), ``>= 2``.
      mode: ``"exponential"`` or ``"linear"`` sweep.
      smoothing: loss EMA factor in ``[0, 1)`` (bias-corrected; 0 = none).
      diverge_factor: stop when the smoothed loss exceeds this times the
        best one, ``> 1`` (``math.inf``: stop only on NaN/inf).
      accumulation_steps: micro-batches per optimizer step, ``>= 1``.
      method: default suggestion method, one of
        :data:`lrcurves.finder.METHODS`.
      progress: show a tqdm progress bar.

    Returns:
      A :class:`lrcurves.finder.FinderResult` (``.suggestion``, ``.plot()``,
      ``.to_schedule(...)``).  A :class:`lrcurves.finder.FinderWarning` is
      issued when it has no suggestion (the loss diverged within the first
      few steps).

    Raises:
      ValueError: a bad argument (the message names ``find_lr``, the
        parameter and the value), or batches that run out and cannot restart.

    Examples:
      >>> import torch
      >>> from lrcurves.adapters.torch_finder import find_lr
      >>> _ = torch.manual_seed(0)
      >>> x = torch.randn(64, 3); y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1 * torch.randn(64)
      >>> model = torch.nn.Linear(3, 1)
      >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
      >>> before = {k: v.clone() for k, v in model.state_dict().items()}
      >>> loss_fn = lambda m, b: torch.nn.functional.mse_loss(m(b[0]).squeeze(-1), b[1])
      >>> result = find_lr(model, opt, loss_fn, [(x, y)], start_lr=1e-4, end_lr=10.0, num_steps=60, progress=False)
      >>> result.diverged, 1e-3 < result.suggestion < 1.0
      (True, True)
      >>> all(torch.equal(v, before[k]) for k, v in model.state_dict().items()), opt.param_groups[0]["lr"]
      (True, 0.1)
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{_NAME}: model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{_NAME}: optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"{_NAME}: loss_fn must be callable as loss_fn(model, batch), got {brief(loss_fn)}")
    ratios = _lr_ratios(optimizer)
    acc = accumulation_steps  # checked by run_range_test before any step
    snapshot: list[_Snapshot] = []

    def start() -> None:
        snapshot.append(_Snapshot(model, optimizer))

    def step(lr: float, micro: list[Any]) -> float:
        for g, r in zip(optimizer.param_groups, ratios, strict=True):
            v = lr * r
            if isinstance(g["lr"], torch.Tensor):
                g["lr"].fill_(v)
            else:
                g["lr"] = v
        optimizer.zero_grad(set_to_none=True)
        total: torch.Tensor | None = None
        for batch in micro:
            loss = loss_fn(model, batch)
            if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
                raise TypeError(
                    f"{_NAME}: loss_fn must return a scalar loss tensor, got {brief(loss)}"
                )
            (loss / acc if acc > 1 else loss).backward()
            d = loss.detach().reshape(())
            total = d if total is None else total + d
        assert total is not None
        value = float(total) / acc if acc > 1 else float(total)
        if math.isfinite(value):
            optimizer.step()
        return value

    try:
        return run_range_test(
            step,
            batches,
            start_lr=start_lr,
            end_lr=end_lr,
            num_steps=num_steps,
            mode=mode,
            smoothing=smoothing,
            diverge_factor=diverge_factor,
            accumulation_steps=accumulation_steps,
            method=method,
            progress=progress,
            where=_NAME,
            on_start=start,
        )
    finally:
        if snapshot:
            snapshot[0].restore(model, optimizer)
