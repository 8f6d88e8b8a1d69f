"""Samples for ``chainrule/ops/reduce.py``: sum/mean, prod, max/min, norms, var/std, logsumexp,
cumulative ops. Ties (max/amax) and zeros (prod/cumprod) need exact inputs, so they are checked
against torch in ``tests/test_reduce_linalg.py``; these samples use random inputs.
"""

from __future__ import annotations

import math

from op_samples import Sample

S = Sample
ND = [((2, 3, 4),), ((5,),), ((),)]
MAT = [((3, 4),), ((2, 3, 4),)]

SAMPLES = [
    # ---- sum / mean
    S(("sum",), lambda lib, a: a.sum(), ND),
    S(("sum_dim",), lambda lib, a: a.sum(1), MAT, name="sum_dim1"),
    S(("sum_dim",), lambda lib, a: lib.sum(a, (0, -1), keepdim=True), MAT, name="sum_tuple_keep"),
    S(("sum_dim",), lambda lib, a: a.sum(0), [((),), ((4,),)], name="sum_dim0"),
    S(("sum_dim",), lambda lib, a: a.sum(-1, keepdim=True), ND[:2], name="sum_keep"),
    S(("mean",), lambda lib, a: a.mean(), ND),
    S(("mean_dim",), lambda lib, a: a.mean(-1), MAT, name="mean_dim"),
    S(("mean_dim",), lambda lib, a: lib.mean(a, (0, 1), True), MAT, name="mean_tuple_keep"),
    S(("mean_dim",), lambda lib, a: a.mean(0), [((),)], name="mean_0d"),
    # ---- prod
    S(("prod",), lambda lib, a: a.prod(), ND),
    S(("prod_dim",), lambda lib, a: a.prod(1), MAT, name="prod_dim"),
    S(("prod_dim",), lambda lib, a: lib.prod(a, -1, keepdim=True), MAT, name="prod_keep"),
    S(("prod_dim",), lambda lib, a: a.prod(0), [((),), ((4,),)], name="prod_dim0"),
    # ---- max / min (whole, dim, pairwise)
    S(("max",), lambda lib, a: a.max(), ND),
    S(("min",), lambda lib, a: lib.min(a), ND),
    S(("max_dim",), lambda lib, a: tuple(a.max(1)), MAT, name="max_dim"),
    S(("max_dim",), lambda lib, a: tuple(lib.max(a, -1, keepdim=True)), MAT, name="max_keep"),
    S(("max_dim",), lambda lib, a: a.max(dim=0).values, [((),), ((5,),)], name="max_values"),
    S(("min_dim",), lambda lib, a: tuple(a.min(0)), MAT, name="min_dim"),
    S(("min_dim",), lambda lib, a: lib.min(a, dim=-2, keepdim=True).values, MAT, name="min_keep"),
    S(("maximum",), lambda lib, a, b: lib.max(a, b), [((2, 3), (3,))], name="max_pair"),
    S(("minimum",), lambda lib, a, b: a.min(b), [((2, 3), (2, 1))], name="min_pair"),
    S(("amax",), lambda lib, a: a.amax(), ND),
    S(("amax",), lambda lib, a: a.amax((0, -1)), MAT, name="amax_tuple"),
    S(("amax",), lambda lib, a: lib.amax(a, 1, keepdim=True), MAT, name="amax_keep"),
    S(("amin",), lambda lib, a: a.amin(-1), MAT),
    S(("amin",), lambda lib, a: lib.amin(a), ND, name="amin_all"),
    S(("median",), lambda lib, a: a.median(), [((2, 3),), ((5,),), ((),)]),
    S(
        ("median_dim",),
        lambda lib, a: tuple(a.median(1)),
        [((3, 4),), ((2, 5),)],
        name="median_dim",
    ),
    S(("median_dim",), lambda lib, a: a.median(-1, True).values, MAT, name="median_keep"),
    # ---- norms
    S(("linalg_vector_norm",), lambda lib, a: a.norm(), ND),
    S(("linalg_vector_norm",), lambda lib, a: a.norm(dim=1), MAT, name="norm_dim"),
    S(("linalg_vector_norm",), lambda lib, a: lib.norm(a, p=1, dim=-1), MAT, name="norm_p1"),
    S(
        ("linalg_vector_norm",),
        lambda lib, a: lib.norm(a, p=math.inf, dim=(0, 1), keepdim=True),
        MAT,
        name="norm_inf",
    ),
    S(("linalg_vector_norm",), lambda lib, a: a.norm(p=3, dim=0), MAT, name="norm_p3"),
    S(("linalg_vector_norm",), lambda lib, a: a.norm(p=1.5), ND[:2], name="norm_p15"),
    S(("linalg_vector_norm",), lambda lib, a: a.norm(p="fro", dim=(0, 1)), MAT, name="norm_fro"),
    S(
        ("linalg_vector_norm",),
        lambda lib, a: a.norm(p=0.5),
        [((4,),)],
        domain="nonzero",
        name="norm_p05",
    ),
    S(("linalg_vector_norm",), lambda lib, a: a.norm(p=-math.inf, dim=1), MAT, name="norm_ninf"),
    S(("linalg_vector_norm",), lambda lib, a: lib.linalg.vector_norm(a, 2, -1), MAT, name="lvn"),
    # ---- var / std
    S(("var",), lambda lib, a: a.var(), ND[:2]),
    S(("var",), lambda lib, a: a.var(1), MAT, name="var_dim"),
    S(
        ("var",),
        lambda lib, a: lib.var(a, (0, -1), keepdim=True, correction=0),
        MAT,
        name="var_corr",
    ),
    S(("var",), lambda lib, a: a.var(0, False), MAT, name="var_biased"),
    S(("var",), lambda lib, a: a.var(unbiased=False), ND[:2], name="var_unbiased_kw"),
    S(("std",), lambda lib, a: a.std(), ND[:2]),
    S(("std",), lambda lib, a: lib.std(a, -1, keepdim=True), MAT, name="std_keep"),
    S(("std",), lambda lib, a: a.std(dim=(0, 1), correction=2), MAT, name="std_corr"),
    S(("var_mean",), lambda lib, a: lib.var_mean(a, 1), MAT),
    S(("var_mean",), lambda lib, a: lib.var_mean(a), ND[:2], name="var_mean_all"),
    S(("std_mean",), lambda lib, a: lib.std_mean(a, -1, keepdim=True), MAT),
    # ---- logsumexp / cumulative
    S(("logsumexp",), lambda lib, a: a.logsumexp(1), MAT),
    S(
        ("logsumexp",),
        lambda lib, a: lib.logsumexp(a, (0, -1), keepdim=True),
        MAT,
        name="lse_tuple",
    ),
    S(("logsumexp",), lambda lib, a: lib.logsumexp(a, 0), [((),), ((5,),)], name="lse_0"),
    S(("cumsum",), lambda lib, a: a.cumsum(1), MAT),
    S(("cumsum",), lambda lib, a: lib.cumsum(a, dim=-1), [((5,),), ((),)], name="cumsum_1d"),
    S(("cumprod",), lambda lib, a: a.cumprod(1), MAT),
    S(("cumprod",), lambda lib, a: lib.cumprod(a, 0), [((5,),), ((),)], name="cumprod_1d"),
    S(("sort",), lambda lib, a: a.sort(dim=1).values, MAT),
    S(("sort",), lambda lib, a: a.sort(0, descending=True)[0], MAT, name="sort_desc"),
    S(("sort",), lambda lib, a: lib.sort(a).values, [((5,),), ((),)], name="sort_1d"),
    S(("topk",), lambda lib, a: a.topk(2, dim=1).values, MAT),
    S(("topk",), lambda lib, a: a.topk(1, 0, largest=False)[0], MAT, name="topk_smallest"),
    S(("topk",), lambda lib, a: lib.topk(a, 3).values, [((5,),)], name="topk_1d"),
]

SAMPLES += [
    # ---- running max/min, logcumsumexp
    S(("cummax",), lambda lib, a: tuple(lib.cummax(a, 1)), MAT),
    S(("cummax",), lambda lib, a: tuple(a.cummax(0)), [((5,),), ((),)], name="cummax_1d"),
    S(("cummin",), lambda lib, a: tuple(lib.cummin(a, -1)), MAT),
    S(("cummin",), lambda lib, a: a.cummin(0).values, [((4, 2),)], name="cummin_values"),
    S(("logcumsumexp",), lambda lib, a: lib.logcumsumexp(a, 1), MAT),
    S(("logcumsumexp",), lambda lib, a: a.logcumsumexp(0), [((5,),), ((),)], name="lcse_1d"),
    # ---- aminmax, nanmedian, nansum
    S(("aminmax",), lambda lib, a: tuple(lib.aminmax(a)), ND),
    S(("aminmax",), lambda lib, a: tuple(lib.aminmax(a, dim=1)), MAT, name="aminmax_dim"),
    S(
        ("aminmax",),
        lambda lib, a: tuple(a.aminmax(dim=0, keepdim=True)),
        MAT,
        name="aminmax_keep",
    ),
    S(("nanmedian",), lambda lib, a: a.nanmedian(), [((2, 3),), ((5,),), ((),)]),
    S(
        ("nanmedian",),
        lambda lib, a: lib.nanmedian(lib.where(a > 1.0, float("nan"), a)),
        [((3, 4),)],
        name="nanmedian_nan",
    ),
    S(("nanmedian_dim",), lambda lib, a: tuple(lib.nanmedian(a, 1)), [((3, 4),), ((2, 5),)]),
    S(
        ("nanmedian_dim",),
        lambda lib, a: lib.nanmedian(lib.where(a > 1.0, float("nan"), a), 0, True).values,
        [((3, 4),)],
        name="nanmedian_dim_nan",
    ),
    S(("nansum",), lambda lib, a: lib.nansum(a), ND),
    S(("nansum",), lambda lib, a: a.nansum((0, 1), keepdim=True), MAT, name="nansum_dims"),
    S(
        ("nansum",),
        lambda lib, a: lib.nansum(lib.where(a > 0.5, float("nan"), a), 1),
        MAT,
        name="nansum_nan",
    ),
    S(("nansum",), lambda lib, a: lib.nanmean(a, -1), MAT, name="nanmean"),
    # ---- quantiles (composites: sort, gather, lerp)
    S(("sort",), lambda lib, a: lib.quantile(a, 0.3, dim=1), MAT, name="quantile"),
    S(
        ("sort",),
        lambda lib, a: a.quantile(0.6, dim=0, keepdim=True, interpolation="midpoint"),
        MAT,
        name="quantile_midpoint",
    ),
    S(("sort",), lambda lib, a: lib.nanquantile(a, 0.25), ND[:2], name="nanquantile"),
]
