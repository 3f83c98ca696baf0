"""JAX/optax LR finder: a learning-rate range test with one jitted update step.

:func:`find_lr` sweeps the learning rate of an optax optimizer along a core
range-test schedule (:func:`lrcurves.finder.range_test_schedule`), records
the training loss and returns the framework-free
:class:`lrcurves.finder.FinderResult` (the same analysis as the PyTorch
finder).  JAX is functional: the parameters you pass are never modified, so
there is nothing to restore -- the trained parameters of the sweep are
simply dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import jax
import numpy as np
import optax

from lrcurves.finder import FinderResult, range_test_schedule, run_range_test
from lrcurves.validate import brief

__all__ = ["find_lr"]

_NAME = "find_lr"


def _transform(
    optimizer: Any, hyperparam: str, start_lr: float
) -> optax.GradientTransformation:
    if isinstance(optimizer, optax.GradientTransformation):
        return optimizer
    if callable(optimizer):  # a factory: optax.adam, functools.partial(optax.adamw, weight_decay=...)
        try:
            return optax.inject_hyperparams(optimizer)(**{hyperparam: start_lr})
        except TypeError as exc:
            raise ValueError(
                f"{_NAME}: hyperparam must name an argument of the optimizer factory "
                f"{getattr(optimizer, '__name__', type(optimizer).__name__)}, got {hyperparam!r} ({exc})"
            ) from None
    raise TypeError(
        f"{_NAME}: optimizer must be an optax GradientTransformation built with "
        f"optax.inject_hyperparams, or an optimizer factory such as optax.adam, got {brief(optimizer)}"
    )


def _check_state(state: Any, hyperparam: str) -> None:
    hp = getattr(state, "hyperparams", None)
    if not isinstance(hp, dict) or not hasattr(state, "_replace"):
        raise ValueError(
            f"{_NAME}: optimizer must be built with optax.inject_hyperparams at the top level "
            f"(its state has no hyperparams), got state {type(state).__name__}; pass "
            "optax.inject_hyperparams(optax.adam)(learning_rate=...) or the factory optax.adam"
        )
    if hyperparam not in hp:
        raise ValueError(
            f"{_NAME}: hyperparam must name an injected hyperparameter of the optimizer, "
            f"got {hyperparam!r} (it has {sorted(hp)})"
        )
    if hyperparam in getattr(state, "hyperparams_states", {}):
        raise ValueError(
            f"{_NAME}: the optimizer's {hyperparam!r} is a schedule, which would overwrite the "
            f"sweep; inject a number instead (e.g. {hyperparam}=1e-3)"
        )


def find_lr(
    loss_fn: Callable[[Any, Any], Any],
    params: Any,
    optimizer: optax.GradientTransformation | Callable[..., optax.GradientTransformation],
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
    hyperparam: str = "learning_rate",
    progress: bool = True,
) -> FinderResult:
    """LR range test for JAX/optax: one ``jax.jit``-compiled update step, LR as an argument.

    The optimizer's learning rate must be an *injected* hyperparameter, so
    the sweep can change it without recompiling: pass either a factory
    (``optax.adam``, ``functools.partial(optax.adamw, weight_decay=1e-2)``),
    which is wrapped as ``optax.inject_hyperparams(factory)(learning_rate=start_lr)``,
    or a transformation already built with ``optax.inject_hyperparams`` whose
    ``learning_rate`` is a number (not a schedule).  Each step writes the
    sweep value into ``opt_state.hyperparams[hyperparam]`` inside the jitted
    function (stored in that hyperparameter's dtype: float32 unless the
    parameters or ``hyperparam_dtype`` say otherwise), computes
    ``jax.value_and_grad`` of the loss and applies the update.  The step is
    traced once for the whole sweep as long as every batch has the same
    shapes and dtypes (drop a ragged last batch).

    Step ``i`` records the loss of its batch(es) at the parameters left by
    steps ``0..i-1`` and then updates with ``lrs[i]``; the run stops at the
    first non-finite loss (its update is discarded) or when the
    bias-corrected smoothed loss exceeds ``diverge_factor`` times the best
    (:class:`lrcurves.finder.LossMonitor`).  ``loss_fn(params, batch)``
    returns the scalar *mean* loss of ``batch``; with
    ``accumulation_steps = k`` the step averages the losses (and so the
    gradients) of ``k`` micro-batches, which equals the whole batch when they
    split it evenly.

    **Nothing to restore.**  ``params`` is not modified (JAX arrays are
    immutable and no buffer is donated): keep using it after the call.  The
    optimizer state is created fresh by ``optimizer.init(params)`` for the
    sweep and discarded.  The LR sequence is the same as the PyTorch
    finder's for the same arguments (both call the same core schedule).

    Args:
      loss_fn: ``(params, batch) -> scalar loss`` (the batch mean), jittable.
      params: the parameter pytree (left untouched).
      optimizer: an injected optax transformation or a factory (above).
      batches: an iterable of batches (pytrees of arrays), re-iterated when
        exhausted; a one-shot iterator that runs out raises ``ValueError``.
      start_lr: first learning rate, ``> 0``.
      end_lr: last learning rate, ``> start_lr``.
      num_steps: optimizer steps (learning rates), ``>= 2``.
      mode: ``"exponential"`` or ``"linear"`` sweep.
      smoothing: loss EMA factor in ``[0, 1)`` (bias-corrected; 0 = none).
      diverge_factor: stop when the smoothed loss exceeds this times the
        best one, ``> 1`` (``math.inf``: stop only on NaN/inf).
      accumulation_steps: micro-batches per optimizer step, ``>= 1``.
      method: default suggestion method, one of :data:`lrcurves.finder.METHODS`.
      hyperparam: the injected hyperparameter to sweep.
      progress: show a tqdm progress bar.

    Returns:
      A :class:`lrcurves.finder.FinderResult`.

    Raises:
      ValueError: a bad argument (naming ``find_lr``, the parameter and the
        value), an optimizer without that injected hyperparameter, or
        batches that run out and cannot restart.

    Examples:
      >>> import jax, jax.numpy as jnp, optax
      >>> from lrcurves.adapters.optax_finder import find_lr
      >>> x = jax.random.normal(jax.random.key(0), (64, 3))
      >>> y = x @ jnp.array([1.0, -2.0, 0.5])
      >>> def loss_fn(w, batch):
      ...     xb, yb = batch
      ...     return jnp.mean((xb @ w - yb) ** 2)
      >>> w0 = jnp.zeros(3)
      >>> result = find_lr(loss_fn, w0, optax.sgd, [(x, y)], start_lr=1e-4, num_steps=60, progress=False)
      >>> result.diverged, 1e-3 < result.suggestion < 1.0, bool((w0 == 0).all())
      (True, True, True)
    """
    if not callable(loss_fn):
        raise TypeError(f"{_NAME}: loss_fn must be callable as loss_fn(params, batch), got {brief(loss_fn)}")
    if not isinstance(hyperparam, str):
        raise TypeError(f"{_NAME}: hyperparam must be a string, got {brief(hyperparam)}")
    range_test_schedule(start_lr, end_lr, num_steps, mode, where=_NAME)  # check before any init
    tx = _transform(optimizer, hyperparam, float(start_lr))
    state0 = tx.init(params)
    _check_state(state0, hyperparam)
    lr_dtype = np.dtype(state0.hyperparams[hyperparam].dtype)

    def _step(p: Any, state: Any, micro: tuple[Any, ...], lr: Any) -> tuple[Any, Any, Any]:
        state = state._replace(hyperparams={**state.hyperparams, hyperparam: lr})

        def total(q: Any) -> Any:
            if len(micro) == 1:
                return loss_fn(q, micro[0])
            return sum(loss_fn(q, b) for b in micro) / len(micro)

        loss, grads = jax.value_and_grad(total)(p)
        updates, state = tx.update(grads, state, p)
        return optax.apply_updates(p, updates), state, loss

    jstep = jax.jit(_step)
    carry = [params, state0]

    def step(lr: float, micro: list[Any]) -> float:
        new_params, new_state, loss = jstep(carry[0], carry[1], tuple(micro), np.asarray(lr, dtype=lr_dtype))
        value = float(loss)
        if math.isfinite(value):
            carry[0], carry[1] = new_params, new_state
        return value

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
    )
