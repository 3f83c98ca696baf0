"""Interpolation shapes: the one definition of every curve segment.

Every family, warmup, WSD cooldown, one-cycle phase and restart cycle goes
from a value ``a`` to a value ``b`` over ``length`` steps through
:func:`interp`.  A *shape* says how: with progress :math:`u \\in [0, 1]`,
fraction done :math:`w(u)` and fraction remaining :math:`\\bar w(u) = 1 - w(u)`,

==============  =====================================  ========================
shape           :math:`w(u)`                           used by
==============  =====================================  ========================
``linear``      :math:`u`                              linear, warmups, WSD,
                                                       one-cycle, restarts
``cosine``      :math:`(1 - \\cos \\pi u)/2`              cosine decay, warmups,
                                                       WSD, one-cycle, SGDR
``poly``        :math:`1 - (1 - u)^k`                  polynomial decay,
                                                       restarts
``1-sqrt``      :math:`\\sqrt u`                        WSD cooldown
``1-square``    :math:`u^2`                            WSD cooldown
``rex``         :math:`1 - (1 - u)/(1 - u/2)`          REX
``log``         :math:`\\ln(1 + uL) / \\ln L`            DeepSpeed log warmup
``exponential`` geometric: :math:`a (b/a)^u`           warmups, WSD, range test
``tanh``        :math:`(1 + \\tanh x)/2`                tanh decay, restarts
==============  =====================================  ========================

``cosine`` takes an exponent :math:`k` on the remaining fraction
(:math:`\\bar w = ((1 + \\cos \\pi u)/2)^k`, optax's ``exponent``).
``tanh`` (:func:`tanh_blend`, not an :func:`interp` shape) has
:math:`x = l (1 - u) + h u` between the tanh arguments :math:`l < h` at the
two ends: its weights never quite reach 0 or 1, so it starts a hair off
``a`` and ends a little off ``b``.

Float order (see :func:`lrcurves._xp.reference_order`): in float64 the value
is ``a + (b - a) * w`` (``ramp=True``) or ``b + (a - b) * w̄``
(``ramp=False``), the operation order of torch, optax and DeepSpeed, so
drop-ins agree with them bit for bit or to a few ulp (``tanh``: ``a w̄ +
b w`` with logistic weights in every dtype, within an ulp or two of timm).
In lower precision it is the convex combination ``a * w̄ + b * w`` with
``u`` *and* ``1 - u`` computed from the step (not by subtracting), and
cancellation-free forms of ``w`` and ``w̄``: every value keeps its relative
accuracy, also next to an end value of 0.  Both agree at both ends: ``a``
at ``t <= begin``, ``b`` at ``t >= begin + length`` (``tanh`` excepted).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from lrcurves._xp import (
    Namespace,
    _int_max,
    _is_int,
    divmod_steps,
    minus,
    param,
    reference_order,
    to_float,
)

__all__ = ["SHAPES", "blend", "cosine_wave", "geometric", "interp", "tanh_blend", "triangle"]

SHAPES = ("linear", "cosine", "poly", "1-sqrt", "1-square", "rex", "log", "exponential")


def _weights_ref(xp: Namespace, u: Any, shape: str, k: float, length: float, done: bool) -> Any:
    """Reference (float64) ``w`` (``done``) or ``w̄`` of progress ``u``."""
    if shape == "linear":
        return u if done else 1.0 - u
    if shape == "cosine":
        if done and k == 1.0:
            return (1.0 - xp.cos(math.pi * u)) / 2.0
        c = 0.5 * (1.0 + xp.cos(math.pi * u))
        wc = c if k == 1.0 else xp.pow(c, k)
        return 1.0 - wc if done else wc
    if shape == "poly":
        wc = xp.pow(1.0 - u, k)
        return 1.0 - wc if done else wc
    if shape == "1-sqrt":
        return xp.sqrt(u) if done else 1.0 - xp.sqrt(u)
    if shape == "1-square":
        return u * u if done else 1.0 - u * u
    if shape == "rex":
        wc = (1.0 - u) / (1.0 - 0.5 * u)
        return 1.0 - wc if done else wc
    # log: DeepSpeed's (1 / ln L) * ln(t + 1), capped at 1 between L - 1 and L
    w = xp.minimum((1.0 / math.log(length)) * xp.log(u * length + 1.0), 1.0)
    return w if done else 1.0 - w


def _one_minus_pow(xp: Namespace, x: Any, xc: Any, k: float) -> Any:
    """``1 - xc**k`` for ``xc = 1 - x`` in ``[0, 1]``, both given accurately.

    ``-expm1(k log xc)`` with ``log xc`` taken as ``log1p(-x)`` while ``x <=
    1/2`` and as ``log(xc)`` beyond: ``log1p(-x)`` of an ``x`` rounded next to
    1 would lose the digits of the small ``xc`` (a float32 ``poly`` decay
    with ``power=0.5`` close to its end was 2e-6 off).  Both branches stay
    finite; ``xc = 0`` gives exactly 1.
    """
    lg = xp.where(x <= 0.5, xp.log1p(-xp.minimum(x, 0.5)), xp.log(xp.where(xc > 0.0, xc, 1.0)))
    return xp.where(xc > 0.0, -xp.expm1(k * lg), 1.0)


def _weights_precise(xp: Namespace, u: Any, uc: Any, shape: str, k: float, length: float) -> tuple[Any, Any]:
    """``(w, w̄)``, each accurate relative to itself (``uc = 1 - u`` given exactly)."""
    if shape == "linear":
        return u, uc
    if shape == "cosine":
        s, sc = xp.sin((0.5 * math.pi) * u), xp.sin((0.5 * math.pi) * uc)
        if k == 1.0:
            return s * s, sc * sc
        # w̄ = cos²(πu/2)^k = sin²(π ū/2)^k, w = 1 - w̄
        return _one_minus_pow(xp, s * s, sc * sc, k), xp.pow(sc * sc, k)
    if shape == "poly":
        return _one_minus_pow(xp, u, uc, k), xp.pow(uc, k)
    if shape == "1-sqrt":
        r = xp.sqrt(u)
        return r, uc / (1.0 + r)
    if shape == "1-square":
        return u * u, uc * (1.0 + u)
    if shape == "rex":
        return (0.5 * u) / (0.5 + 0.5 * uc), uc / (0.5 + 0.5 * uc)
    # log: w̄ = 1 - ln(1 + uL) / ln L = -ln(v) / ln L with v = (1 + uL) / L;
    # 1 - w cancels next to the end, so ln v is taken directly while v <= 1/2
    # and as ln(1 + (1 - ūL) / L) beyond (the remaining steps ūL are exact)
    inv = 1.0 / math.log(length)
    w = xp.minimum(inv * xp.log1p(u * length), 1.0)
    v = (1.0 + u * length) / length
    # the unselected branch must stay finite too: in float32 at a huge length
    # (1 - ūL) / L can round to -1 where v <= 1/2; where it is selected the
    # argument is v - 1 > -1/2, so the floor at -3/4 never changes a value
    lv = xp.where(v <= 0.5, xp.log(v), xp.log1p(xp.maximum((1.0 - uc * length) / length, -0.75)))
    wc = xp.where(u <= 0.0, 1.0, xp.clip(-inv * lv, 0.0, 1.0))
    return w, wc


def _steps_from(xp: Namespace, t: Any, tf: Any, k: int) -> Any:
    """``t - k`` for ``k >= 0`` as a float, exact for integer steps (subtracted as integers)."""
    if not _is_int(xp, t):
        return tf - float(k)
    return to_float(xp, minus(xp, t, k))


def _guard(xp: Namespace, tf: Any, c: float) -> Any:
    """The constant ``c`` as an array XLA cannot fold into a neighbouring constant.

    XLA's simplifier rewrites ``(x - 16.0) + 0.0017`` as ``x + (-15.9983)``,
    rounding the sum to float32 and undoing the split above; a ``where`` on
    ``x`` is not a constant.
    """
    return xp.where(tf == tf, c, 0.0)


def interp(
    xp: Namespace,
    t: Any,
    a: Any,
    b: Any,
    length: int,
    shape: str,
    *,
    begin: int | float = 0,
    exponent: float = 1.0,
    ramp: bool = False,
) -> Any:
    """From ``a`` (at ``t <= begin``) to ``b`` (at ``t >= begin + length``).

    Args:
      xp: the namespace.
      t: steps (integer or floating array, or a Python number).
      a: start value (number or array broadcasting against ``t``).
      b: end value.
      length: steps from ``a`` to ``b``, ``>= 1`` (``>= 2`` for ``"log"``).
      shape: one of :data:`SHAPES`.
      begin: first step of the segment.
      exponent: :math:`k` of ``"cosine"`` and ``"poly"``.
      ramp: the float64 operation order: ``a + (b - a) w`` (``True``: the
        warmups' and torch's linear anneal) or ``b + (a - b) w̄`` (``False``:
        the decays').  Not read by ``"exponential"``.
    """
    tf = to_float(xp, t)
    n = float(length)
    b0 = float(begin)
    ref = reference_order(xp, tf)
    if ref:
        u = xp.clip((tf - b0 if b0 else tf) / n, 0.0, 1.0)
        uc = None
    else:
        # steps done and steps left, each split at an integer so that a
        # fractional begin or end (torch OneCycleLR's phase ends) is not
        # rounded to float32 *before* the subtraction: t - ceil(begin) is
        # exact, the fraction ceil(begin) - begin keeps its own digits
        e0 = b0 + n
        cb, fe = math.ceil(b0), math.floor(e0)
        done = _steps_from(xp, t, tf, cb) + _guard(xp, tf, cb - b0) if cb != b0 else tf - b0
        left = _guard(xp, tf, e0 - fe) - _steps_from(xp, t, tf, fe) if fe != e0 else e0 - tf
        u = xp.clip(done / n, 0.0, 1.0)
        uc = xp.clip(left / n, 0.0, 1.0)
    if shape == "exponential":
        # geometric; a > 0 and b > 0 are validated by the families
        if ref:
            return a * xp.pow(param(xp, b / a, tf), u)
        lg = _log_ratio(xp, b, a, tf)
        if _rising(a, b):
            # a rise from the end, b exp(-ū L) with ū exact: never overflows where
            # a is below the dtype's range (a 1e-211 to 1 ramp: a exp(u L) was 0 * inf)
            return xp.where(u <= 0.0, a, b * xp.exp(-uc * lg))
        return a * xp.exp(u * lg)
    return blend(xp, u, uc, a, b, shape, exponent=exponent, length=n, ramp=ramp)


def _log_ratio(xp: Namespace, b: Any, a: Any, like: Any) -> Any:
    """``log(b / a)`` as a parameter of ``like``'s dtype, taken in float64 for stored parameters.

    A ratio below the dtype's range (``1e-320`` in float32, ``5e-324 / 2``
    in float64) would round to 0 and its log to ``-inf``, so it is
    ``log b - log a``; live parameters (tracers, tensors) use ``xp``.
    """
    stored = (int, float, np.ndarray)
    if isinstance(a, stored) and isinstance(b, stored):
        return param(xp, np.log(np.asarray(b, dtype=np.float64)) - np.log(a), like)
    return xp.log(param(xp, b / a, like))


def blend(
    xp: Namespace,
    u: Any,
    uc: Any,
    a: Any,
    b: Any,
    shape: str,
    *,
    exponent: float = 1.0,
    length: float = 1.0,
    ramp: bool = False,
) -> Any:
    """The value at progress ``u`` (remaining ``uc = 1 - u``, computed by the caller).

    For callers whose segment length varies per step (SGDR cycles).  ``uc``
    is only read in lower precision (pass ``None`` in float64).
    """
    rising = _rising(a, b)
    if uc is None:
        if ramp:
            return a + (b - a) * _weights_ref(xp, u, shape, exponent, length, True)
        v = b + (a - b) * _weights_ref(xp, u, shape, exponent, length, False)
        if rising is False:
            return v  # b + (a - b) is a to within an ulp when b <= a
        # exact start: b + (a - b) loses a when b dwarfs it (a rise from 1e-20)
        return xp.where(u <= 0.0, a, v)
    if rising is None or shape in ("linear", "log", "1-sqrt", "1-square", "rex"):
        w, wc = _weights_precise(xp, u, uc, shape, exponent, length)
        return a * wc + b * w
    # monotone segment: only the weight that carries the accuracy is needed --
    # the fraction left on a decay (digits next to the end), done on a rise
    if rising:
        return a + (b - a) * _precise_one(xp, u, uc, shape, exponent, done=True)
    return b + (a - b) * _precise_one(xp, u, uc, shape, exponent, done=False)


@functools.lru_cache(maxsize=256)
def _half_turns(cycles: float, length: int, top: float) -> tuple[int, int, float] | None:
    """``2 |c| = m / q + e``: the closest ``m / q`` whose phase integers stay exact, and the rest ``e``.

    ``m T`` and ``2 q T`` must be at most ``top`` (the integer step dtype's
    maximum, or the float dtype's last exact integer), ``q <= 2**16``;
    ``None`` if no ``q >= 1`` keeps them so.
    """
    from fractions import Fraction  # here: import lrcurves stays light

    two_c = Fraction(2.0 * abs(cycles))
    q_max = int(min(top // (2 * length), 1 << 16))
    while q_max >= 1:
        f = two_c.limit_denominator(q_max)
        if f.numerator * length <= top:
            return f.numerator, f.denominator, float(two_c - f)
        q_max //= 2
    return None


def cosine_wave(xp: Namespace, t: Any, tf: Any, begin: int, length: int, cycles: float) -> tuple[Any, Any]:
    """``(cos²(π c u), sin²(π c u))`` with ``u = clip((t - B) / T, 0, 1)``, for lower precision.

    The periodic cosine of ``cosine_decay(num_cycles=c)`` (its float64
    order is the references', kept by the family).  ``cos(2 π c u)`` of a
    rounded ``u`` is only as accurate as its argument, ``2 π c`` times ``u``'s
    rounding: next to each minimum the value was 1e-4 off in float32.  Here
    the phase is reduced exactly.  With ``2 |c| = m / q + e`` (``m / q`` the
    closest ratio whose integers below stay exact, ``e`` the rest: 0 for
    every ``c`` a config usually holds) and ``d`` the steps done, ``π |c| u
    = (π / 2) (m d) / (q T) + δ`` with ``δ = (π / 2) e u``.  ``cos²`` and
    ``sin²`` have period ``π``, so only ``r = (m d) mod 2qT`` matters, an
    exact integer (integer arithmetic on integer steps): ``cos² = sin²(π (qT
    - r) / 2qT - δ)`` and ``sin² = sin²(π r / 2qT + δ)`` (``sin²(π (2qT -
    r) / 2qT - δ)`` past ``r = qT``).  Each argument is an exact integer
    times one constant plus a ``δ`` below the step between them, so each
    weight keeps its relative accuracy, also next to its zeros.  Where even
    ``q = 1`` leaves the exact integers (``T`` past ``2**23`` in float32),
    the phase is rounded as it is.
    """
    whole = _is_int(xp, t) and begin <= _int_max(xp, t) // 2
    # integer steps: every integer below is an integer of t's dtype, exact up
    # to its maximum; float steps: floats, exact up to 2**24 in float32
    top = _int_max(xp, t) if whole else 2.0 / float(xp.finfo(tf.dtype).eps)
    mqe = _half_turns(cycles, length, top)
    if mqe is None:
        d = xp.clip(_steps_from(xp, t, tf, begin), 0.0, float(length))
        phase = (math.pi * abs(cycles) / length) * d
        c, s = xp.cos(phase), xp.sin(phase)
        return c * c, s * s
    m, q, e = mqe
    period, half = 2 * q * length, q * length  # of m d: one period of cos² and sin²
    if whole:
        di = xp.clip(minus(xp, t, begin), 0, length)
        r = (di * m) % period
        d, rc, rs = to_float(xp, di), to_float(xp, half - r), to_float(xp, xp.minimum(r, period - r))
    else:
        d = xp.clip(_steps_from(xp, t, tf, begin), 0.0, float(length))
        _, r = divmod_steps(xp, d * float(m), period)
        rc, rs = float(half) - r, xp.minimum(r, float(period) - r)
    k = math.pi / period
    c, s = rc * k, rs * k
    if e:
        delta = d * (0.5 * math.pi * e / length)
        c, s = c - delta, s + xp.where(r <= half, delta, -delta)
    c, s = xp.sin(c), xp.sin(s)
    return c * c, s * s


#: ``|2x|`` beyond this saturates tanh in float64; ``exp(80)`` is finite in float32
TANH_CLIP = 80.0


def _tanh_start(lower: float) -> tuple[float, float]:
    """``((1 - tanh l) / 2, (1 + tanh l) / 2)`` in Python: the weights at ``u <= 0``."""
    y = max(-TANH_CLIP, min(TANH_CLIP, 2.0 * lower))
    return 1.0 / (1.0 + math.exp(y)), 1.0 / (1.0 + math.exp(-y))


def tanh_blend(xp: Namespace, u: Any, uc: Any, a: Any, b: Any, lower: float, upper: float) -> Any:
    """The ``tanh`` shape: ``a w̄ + b w`` with ``w̄ = (1 - tanh x) / 2``, ``x = l ū + h u``.

    ``(1 -+ tanh x) / 2`` are the logistic functions ``1 / (1 + exp(+-2x))``:
    no cancellation where ``tanh x`` is close to ``-+1``, so both ends keep
    their relative accuracy in every dtype, and the same form serves float64
    (within an ulp or two of timm's ``0.5 (1 - tanh x)``).  ``ū = 1 - u`` is
    the caller's exact complement in lower precision (``uc``; ``None``:
    ``1 - u``).  At ``u <= 0`` the weights come from Python's ``exp`` so
    every backend gives bit-identical values at and before the start.  With
    ``uc`` the argument is ``l + (h - l) u`` up to ``u = 1/2`` and ``h - (h -
    l) ū`` beyond: the error of the small ``u`` or ``ū`` (a k-decay power's
    few ulp) is not scaled by ``|l|`` or ``|h|`` where it is largest.  A
    steep curve is still only as accurate as its condition number allows:
    the value moves ``2 (h - l)`` times as much as ``u`` (relatively), so a
    float32 ``u`` alone costs up to ``(h - l)`` float32 ulps.
    """
    if uc is None:
        x = lower * (1.0 - u) + upper * u
    else:
        x = xp.where(u <= 0.5, lower + (upper - lower) * u, upper - (upper - lower) * uc)
    y = xp.clip(2.0 * x, -TANH_CLIP, TANH_CLIP)
    wc = 1.0 / (1.0 + xp.exp(y))
    w = 1.0 / (1.0 + xp.exp(-y))
    wc0, w0 = _tanh_start(lower)
    wc = xp.where(u <= 0.0, wc0, wc)
    w = xp.where(u <= 0.0, w0, w)
    return a * wc + b * w


def _rising(a: Any, b: Any) -> bool | None:
    """``True`` if ``b > a``, ``False`` if ``b <= a`` (every element), else ``None``.

    A decision on *parameters* (Python numbers or stored NumPy arrays), never
    on steps; live values (tracers, tensors) give ``None``: both weights.
    """
    if type(a) is float and type(b) is float:
        return b > a
    if isinstance(a, (int, float, np.ndarray)) and isinstance(b, (int, float, np.ndarray)):
        if np.all(np.asarray(b) > np.asarray(a)):
            return True
        if np.all(np.asarray(b) <= np.asarray(a)):
            return False
    return None


def _precise_one(xp: Namespace, u: Any, uc: Any, shape: str, k: float, *, done: bool) -> Any:
    """One accurate weight of a ``cosine`` or ``poly`` shape: ``w`` (done) or ``w̄``."""
    if shape == "cosine":
        if done:
            s = xp.sin((0.5 * math.pi) * u)
            return s * s if k == 1.0 else _one_minus_pow(xp, s * s, 1.0 - s * s, k)
        sc = xp.sin((0.5 * math.pi) * uc)
        return sc * sc if k == 1.0 else xp.pow(sc * sc, k)
    return _one_minus_pow(xp, u, uc, k) if done else xp.pow(uc, k)  # poly


def geometric(xp: Namespace, base: float, e: Any) -> Any:
    """``base ** e`` for a Python-float ``base > 0``.

    float64: ``pow``, as torch and optax compute it.  Lower precision:
    ``exp(e * log(base))`` with ``log(base)`` taken in float64, since
    ``float32(base) ** e`` amplifies the rounding of ``base`` ``e``-fold
    (0.1% off after a few thousand steps of ``gamma = 0.9999``).
    """
    if reference_order(xp, e):
        return xp.pow(param(xp, base, e), e)
    return xp.exp(e * math.log(base))


_EXACT_CYCLES = 64  # cycles computed in torch's float order (float64)


def triangle(xp: Namespace, t: Any, up: int, down: int, stairs_up: int, stairs_down: int) -> tuple[Any, Any]:
    """``(position, cycle)`` of a triangular wave: 0 at the base, 1 at the top.

    The cycle and the position in it come from the exact remainder
    ``t mod (up + down)``; the falling side is ``(L - r) / D``, well
    conditioned however lopsided the cycle.  With stairs the position is
    ``floor(n r / U) / n`` (rising) or ``floor(n (L - r) / D) / n``
    (falling), floors taken exactly; a side with 0 stairs stays continuous.
    In float64, for the first 64 cycles,
    the continuous position uses torch ``CyclicLR``'s float operations
    (``x = 1 + t / L - floor(1 + t / L)``), bit for bit: torch's form
    cancels at far steps and in float32, this one does not.
    """
    total = up + down
    q, r = divmod_steps(xp, t, total)
    cycle = q + 1.0  # exact (torch computes it in Python, exactly too)
    tf = to_float(xp, t)
    rising = r <= float(up)
    pos = xp.where(rising, r / float(up), (float(total) - r) / float(down))
    if reference_order(xp, tf):
        ratio = up / total
        # float(total): NumPy and torch convert the int the same way; JAX
        # overflows parsing a Python int of 2**63 (two 2**62 halves)
        x = 1.0 + tf / float(total) - cycle
        # under XLA t / L may round across the cycle edge: clip to the triangle
        # a safe denominator chosen from the parameters: up / L rounds to 1
        # when the falling side is tiny next to the rising one
        fall = ratio - 1.0 if ratio != 1.0 else -1.0
        pos_t = xp.clip(xp.where(x <= ratio, x / ratio, (x - 1.0) / fall), 0.0, 1.0)
        pos = xp.where(tf < float(_EXACT_CYCLES * total), pos_t, pos)
    # each side with stairs replaces its own continuous position (DeepSpeed
    # OneCycle: one side may be continuous, the other stepped)
    if stairs_up > 0:
        k_up, _ = divmod_steps(xp, r * float(stairs_up), up)
        pos = xp.where(rising, k_up / stairs_up, pos)
    if stairs_down > 0:
        k_down, _ = divmod_steps(xp, (float(total) - r) * float(stairs_down), down)
        pos = xp.where(rising, pos, k_down / stairs_down)
    return pos, cycle


def triangle_complement(xp: Namespace, t: Any, up: int, down: int, stairs_up: int, stairs_down: int) -> Any:
    """``1 - position`` of :func:`triangle`, accurate relative to itself.

    For lower precision: ``1 - pos`` of a position rounded next to the top
    keeps none of its digits, so the complement is taken from the exact
    remainder directly, ``(U - r) / U`` rising and ``(r - U) / D`` falling
    (stairs: ``(n - k) / n``).  A momentum that falls to 0 at the top of the
    cycle stays accurate relative to itself there.
    """
    total = up + down
    _, r = divmod_steps(xp, t, total)
    rising = r <= float(up)
    pc = xp.where(rising, (float(up) - r) / float(up), (r - float(up)) / float(down))
    if stairs_up > 0:
        k_up, _ = divmod_steps(xp, r * float(stairs_up), up)
        pc = xp.where(rising, (float(stairs_up) - k_up) / stairs_up, pc)
    if stairs_down > 0:
        k_down, _ = divmod_steps(xp, (float(total) - r) * float(stairs_down), down)
        pc = xp.where(rising, pc, (float(stairs_down) - k_down) / stairs_down)
    return pc
