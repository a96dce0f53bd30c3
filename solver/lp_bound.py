"""A tier's bound from the linear relaxation of its CP-SAT model, solved by GLOP.

On a few shared cores CP-SAT's own linear relaxation of a large roster (50,000 variables at
1,500 patients) is not solved within a tier's time, so its bound stays near zero although the
relaxation is tight (the track and day sets are chosen whole: soft_rules.py). Solving that
relaxation directly with a simplex gives the bound in a few seconds. Every constraint kind the
roster model uses is relaxed as it stands; any other is left out, which only weakens the bound:
a relaxation of a relaxation is still a lower bound.
"""

from __future__ import annotations

import math
from functools import reduce

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

KINDS = ("linear", "at_most_one", "exactly_one", "bool_or", "lin_max")
# Slack on the simplex's answer before rounding up: a bound must never exceed the optimum.
TOLERANCE = 1e-6


def linear_bound(model: cp_model.CpModel, time_limit_s: float) -> float | None:
    """A proven lower bound on the model's objective (a minimisation), or None when the
    simplex does not finish in time."""
    proto = model.proto
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    lp.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    # (The model's repeated fields take no negative index: the last is at len - 1.)
    columns = [
        lp.NumVar(_finite(var.domain[0]), _finite(var.domain[len(var.domain) - 1]), "")
        for var in proto.variables
    ]

    def term(literal: int) -> tuple[pywraplp.Variable | None, float, float]:
        """A literal as (column, coefficient, constant): a negated literal is 1 - x."""
        if literal >= 0:
            return columns[literal], 1.0, 0.0
        return columns[-literal - 1], -1.0, 1.0

    for constraint in proto.constraints:
        if constraint.enforcement_literal:
            continue  # not used by the roster model; leaving it out only weakens the bound
        kind = next((k for k in KINDS if getattr(constraint, f"has_{k}")()), None)
        if kind == "linear":
            linear = constraint.linear
            domain = linear.domain
            row = lp.Constraint(_finite(domain[0]), _finite(domain[len(domain) - 1]))
            for index, coefficient in zip(linear.vars, linear.coeffs, strict=True):
                _add(row, term(index), coefficient)
        elif kind in ("at_most_one", "exactly_one", "bool_or"):
            literals = getattr(constraint, kind).literals
            low = 1.0 if kind in ("exactly_one", "bool_or") else -lp.infinity()
            high = lp.infinity() if kind == "bool_or" else 1.0
            row = lp.Constraint(low, high)
            for literal in literals:
                _add(row, term(literal), 1)
        elif kind == "lin_max":
            # target = max(exprs): the relaxation keeps target >= each expression.
            target = constraint.lin_max.target
            for expression in constraint.lin_max.exprs:
                row = lp.Constraint(float(expression.offset - target.offset), lp.infinity())
                for index, coefficient in zip(target.vars, target.coeffs, strict=True):
                    _add(row, term(index), coefficient)
                for index, coefficient in zip(expression.vars, expression.coeffs, strict=True):
                    _add(row, term(index), -coefficient)
    objective = lp.Objective()
    constant = float(proto.objective.offset)
    for index, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        column, sign, shift = term(index)
        objective.SetCoefficient(column, objective.GetCoefficient(column) + sign * coefficient)
        constant += shift * coefficient
    objective.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value = objective.Value() + constant
    # The objective takes only multiples of its coefficients' common divisor.
    step = reduce(math.gcd, (abs(int(c)) for c in proto.objective.coeffs), 0) or 1
    return float(math.ceil((value - TOLERANCE) / step) * step)


def _finite(bound: int) -> float:
    """CP-SAT writes an open side as the int64 extreme; the simplex wants infinity."""
    if abs(bound) >= 2**62:
        return math.inf if bound > 0 else -math.inf
    return float(bound)


def _add(
    row: pywraplp.Constraint, term: tuple[pywraplp.Variable | None, float, float], weight: float
) -> None:
    column, coefficient, constant = term
    row.SetCoefficient(column, row.GetCoefficient(column) + weight * coefficient)
    if constant:
        row.SetBounds(row.lb() - weight * constant, row.ub() - weight * constant)
