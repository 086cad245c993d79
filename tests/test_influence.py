"""The one rounding of printed numbers and the leave-one-patient-out check, worked by hand."""

import pandas as pd
import pytest

from clinrepro.statistics.influence import carried_by_one, leave_one_out
from clinrepro.base.printed import fixed, percent


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (43.25, 1, "43.3"),
        (1602.25, 1, "1602.3"),
        (2.5, 0, "3"),
        (-0.04, 1, "0.0"),
        (-0.194, 3, "-0.194"),
        (12292, 0, "12292"),
    ],
)
def test_fixed_rounds_half_up(value, places, text):
    assert fixed(value, places) == text


def test_percent_of_two_in_sixteen_is_13():
    assert percent(2 / 16) == "13%"
    assert percent(float("nan")) == "NA"


def frame(changes):
    return pd.DataFrame({"USUBJID": [str(i + 1) for i in range(len(changes))], "change": changes})


def test_one_patient_carries_a_mean():
    # mean of (1, 2, 3, 10) is 4; without patient 4 it is 2: a shift of exactly half, not more
    influence = leave_one_out(frame([1.0, 2.0, 3.0, 10.0]), lambda f: f["change"].mean())
    assert (influence.estimate, influence.patient, influence.without) == (4.0, "4", 2.0)
    assert influence.left_out.to_dict() == {"1": 5.0, "2": 14 / 3, "3": 13 / 3, "4": 2.0}
    assert not carried_by_one(influence)
    # mean of (1, 2, 3, -30) is -6; without patient 4 it is +2: the sign turns
    turned = leave_one_out(frame([1.0, 2.0, 3.0, -30.0]), lambda f: f["change"].mean())
    assert (turned.patient, turned.without) == ("4", 2.0)
    assert carried_by_one(turned)
