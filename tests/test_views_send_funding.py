"""sen_need_profile, funding_share, school_points, boundaries and rejects (hand-computed)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from views_warehouse import BANBURY, BN, BS, KINGS, KS, Y1, Y2, pick, tiny_connection

import queries

ASD = "Autistic Spectrum Disorder"
SLCN = "Speech, Language and Communication Needs"
SEMH = "Social, Emotional and Mental Health"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = tiny_connection(tmp_path_factory.mktemp("warehouse"))
    yield connection
    connection.close()


def test_sen_need_profile_locality(con):
    frame = queries.sen_need_profile(con, "Locality", BANBURY, Y2)
    ehc = frame[frame["sen_provision"] == "EHC plan"]
    # Banbury EHC plans 2023/24: ASD 5 + 8 + 2 = 15, SEMH 4, SLCN 3 -> 22 in all
    assert ehc["primary_need"].tolist() == [ASD, SEMH, SLCN]  # largest first
    assert pick(ehc, primary_need=ASD)["pupils"] == 15
    assert pick(ehc, primary_need=ASD)["percent_of_provision"] == pytest.approx(15 / 22 * 100)
    slcn = pick(ehc, primary_need=SLCN)
    assert slcn["pupils"] == 3 and slcn["percent_of_provision"] == pytest.approx(3 / 22 * 100)
    support = frame[frame["sen_provision"] == "SEN support"]
    # SEN support (100001 only): SLCN 20 of 20 + 12 + 8 = 40 -> 50.0
    assert pick(support, primary_need=SLCN)["percent_of_provision"] == pytest.approx(50.0)


def test_sen_need_profile_small_numbers(con):
    north = queries.sen_need_profile(con, "Partnership", BN, Y2)
    ehc = north[north["sen_provision"] == "EHC plan"]
    # Banbury North EHC plans: ASD 5, SLCN 3 -> 8 pupils: the counts show, the shares
    # do not (denominator 8 < 10)
    assert pick(ehc, primary_need=ASD)["pupils"] == 5
    assert ehc["percent_of_provision"].isna().all() and ehc["percent_suppressed"].all()
    school = queries.sen_need_profile(con, "School", 100003, Y2)
    row = pick(school, primary_need=ASD)  # 2 pupils: hidden
    assert pd.isna(row["pupils"]) and row["pupils_suppressed"]


def test_funding_share_latest_year(con):
    frame = queries.funding_share(con)  # latest year with top-up data: 2023/24
    assert set(frame["time_period"]) == {Y2}
    assert frame["partnership"].tolist() == [KS, BS, BN]  # largest share first
    # County top-ups 2023/24: 18000 + 40000 + 6000 + 50000 + 3000 = 117000; pupils 1700;
    # EHC plans 8 + 12 + 2 + 20 + 1 + 3 = 46
    north = pick(frame, partnership=BN)
    assert north["county_topup_amount"] == 117000 and north["county_pupils"] == 1700
    # Banbury North: 18000 / 117000 * 100 = 15.385; pupils 310 / 1700 * 100 = 18.235
    assert north["topup_amount"] == 18000
    assert north["topup_share_percent"] == pytest.approx(18000 / 117000 * 100)
    assert north["pupil_share_percent"] == pytest.approx(310 / 1700 * 100)
    assert north["ehc_plan_share_percent"] == pytest.approx(8 / 46 * 100)
    # ratio of shares: (18000 / 117000) / (310 / 1700) = 0.8437
    assert north["funding_to_pupil_share_ratio"] == pytest.approx((18000 / 117000) / (310 / 1700))
    # Banbury South includes 100003's 6000 (hidden at school level, 2 pupils) and the
    # newly arrived 100002: 40000 + 6000 = 46000 for 4 + 2 = 6 pupils
    south = pick(frame, partnership=BS)
    assert south["topup_amount"] == 46000 and south["pupils"] == 460 + 205
    # partnerships need not add up to 100%: Zeta (no partnership) has 3000 of the 117000
    assert frame["topup_share_percent"].sum() == pytest.approx(114000 / 117000 * 100)


def test_funding_share_hides_small_amounts(con):
    frame = queries.funding_share(con, time_period="2022/23")
    # Banbury South 2022/23: one pupil (100003, 3500): amount and shares hidden
    south = pick(frame, partnership=BS)
    assert south["topup_suppressed"] and pd.isna(south["topup_amount"])
    assert pd.isna(south["topup_share_percent"]) and pd.isna(south["funding_to_pupil_share_ratio"])
    assert pd.isna(south["ehc_plan_count"])  # 2 EHC plans: hidden
    # Banbury North 2022/23 (100001 + 100002): 15000 + 30000 = 45000 of 84500
    north = pick(frame, partnership=BN)
    assert north["topup_share_percent"] == pytest.approx(45000 / 84500 * 100)


def test_funding_share_locality_filter_with_quote(con):
    frame = queries.funding_share(con, locality=KINGS, time_period=Y2)
    assert frame["partnership"].tolist() == [KS]
    # 50000 / 117000 * 100 = 42.735
    assert frame["topup_share_percent"].iloc[0] == pytest.approx(50000 / 117000 * 100)
    assert queries.funding_share(con, locality="x' OR 'a'='a", time_period=Y2).empty


def test_school_points(con):
    frame = queries.school_points(con, Y2)
    # Zeta Free School has no location: not on the map
    assert sorted(frame["urn"]) == [100001, 100002, 100003, 100004, 100005]
    beta = pick(frame, urn=100002)
    assert beta["partnership"] == BS and beta["lat"] == pytest.approx(52.06)
    assert pick(queries.school_points(con, Y1), urn=100002)["partnership"] == BN
    assert set(queries.school_points(con)["time_period"]) == {Y2}  # default: latest year


def test_locality_boundaries_and_rejects(con):
    bounds = queries.locality_boundaries(con)
    assert bounds["locality"].tolist() == [BANBURY, KINGS]
    assert json.loads(bounds["geometry_geojson"].iloc[0])["type"] == "Polygon"
    problems = queries.rejects(con)
    assert problems["severity"].tolist() == ["reject", "warning"]
