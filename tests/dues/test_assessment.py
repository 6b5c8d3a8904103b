"""Assessment and the rate rules, with worked examples a treasurer can check by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.migrate import open_database
from chapterdesk.data.models import HqMember
from chapterdesk.errors import BadInputError, RuleRefusedError
from chapterdesk.services import dues
from chapterdesk.services.chapter import init_chapter
from chapterdesk.services.roster import members as roster
from chapterdesk.standing import Standing
from tests.dues.conftest import AddMember
from tests.helpers import TODAY, add_hq

D = Decimal


def ledger_rows(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


def amounts(result: dues.Assessment) -> dict[str, Decimal]:
    return {line.hq_id: line.amount for line in result.charged}


def test_enterprise_tier_first_five_full_then_reduced_by_join_date_then_id(
    rated: Database, add_member: AddMember
) -> None:
    dues.set_year_rules(rated, dues.YearRules(2026, enterprise_full_count=5))
    # Seven from one firm (spelled three ways), joined in order; 9 and 10 joined the same day.
    spellings = ["Baker & Whitfield LLP", "baker and whitfield", "The Baker & Whitfield, L.L.P."]
    for n, hq_id in enumerate(["3", "4", "5", "6", "7", "10", "9"]):
        add_member(hq_id=hq_id, joined=dt.date(2019, 1, 1 + min(n, 5)), company=spellings[n % 3])
    other = add_member(hq_id="8", joined=dt.date(2025, 1, 1), company="Meridian Legal Group")
    result = dues.assess_dues(rated, 2026, as_of=TODAY)
    charged = amounts(result)
    assert [charged[i] for i in ["3", "4", "5", "6", "7"]] == [D("150.00")] * 5
    # "9" sorts before "10" as a number: it is the 6th member, "10" the 7th.
    assert charged["9"] == charged["10"] == D("120.00") and charged[other] == D("150.00")
    line = next(x for x in result.charged if x.hq_id == "10")
    assert line.tier == "enterprise"
    assert "member 7 from" in line.reasons[1] and "first 5 pay the full rate" in line.reasons[1]
    assert result.total == D("150.00") * 6 + D("240.00")


def test_nonprofit_rate_for_a_marked_organisation_and_no_enterprise_tier(
    rated: Database, add_member: AddMember
) -> None:
    dues.set_year_rules(rated, dues.YearRules(2026, enterprise_full_count=1))
    a = add_member(company="Legal Aid Society of the Lakes, Inc.")
    b = add_member(company="legal aid society of the lakes")
    dues.set_nonprofit(rated, "Legal Aid Society of the Lakes")
    result = dues.assess_dues(rated, 2026, as_of=TODAY)
    assert amounts(result) == {a: D("90.00"), b: D("90.00")}
    assert all(line.tier == "nonprofit" for line in result.charged)
    assert "Legal Aid Society of the Lakes, Inc. is non-profit" in result.charged[0].reasons[1]
    orgs = {o.key: o for o in dues.list_organisations(rated)}
    assert orgs["legalaidsocietyofthelakes"].nonprofit
    assert orgs["legalaidsocietyofthelakes"].members == 2


def test_promotion_for_new_and_long_away_members_whose_firm_already_has_members(
    rated: Database, add_member: AddMember
) -> None:
    dues.set_year_rules(rated, dues.YearRules(2026, promotion_percent=50, promotion_gap_years=3))
    veteran = add_member(joined=dt.date(2018, 5, 1))
    newcomer = add_member(joined=dt.date(2026, 3, 1))
    lone = add_member(joined=dt.date(2026, 3, 1), company="Fairbanks Ortiz Law")
    away_long = add_member(joined=dt.date(2015, 1, 1))
    away_short = add_member(joined=dt.date(2015, 1, 1))
    roster.leave_chapter(rated, away_long, left_on=dt.date(2022, 12, 31))
    roster.leave_chapter(rated, away_short, left_on=dt.date(2024, 6, 1))
    for hq_id in (away_long, away_short):
        roster.add_member(rated, hq_id, chapter_joined_on=dt.date(2026, 4, 1), as_of=TODAY)
    result = dues.assess_dues(rated, 2026, as_of=TODAY)
    assert amounts(result) == {
        veteran: D("150.00"),
        newcomer: D("75.00"),  # 50 % off: new, and Baker & Whitfield already has members
        lone: D("150.00"),  # new, but the first from Fairbanks Ortiz
        away_long: D("75.00"),  # away more than three years
        away_short: D("150.00"),  # away less than three years
    }
    line = next(x for x in result.charged if x.hq_id == newcomer)
    assert line.promotion_percent == 50 and "promotion 50% off" in line.reasons[-1]


def test_proration_steps_by_chapter_join_date(rated: Database, add_member: AddMember) -> None:
    dues.set_year_rules(
        rated, dues.YearRules(2026, proration=dues.parse_proration("12-01=0, 07-01=50"))
    )
    before = add_member(joined=dt.date(2026, 6, 30))
    after = add_member(joined=dt.date(2026, 7, 1))
    late = add_member(joined=dt.date(2026, 12, 5))
    result = dues.assess_dues(rated, 2026, as_of=dt.date(2026, 12, 20))
    assert amounts(result) == {before: D("150.00"), after: D("75.00")}
    line = next(x for x in result.charged if x.hq_id == after)
    assert line.proration_percent == 50
    assert "prorated to 50%: joined 2026-07-01, on or after 2026-07-01" in line.reasons
    (skipped,) = [s for s in result.skipped if s.hq_id == late]
    assert skipped.reason.startswith("nothing due") and "prorated to 0%" in skipped.reason


def test_rules_combine_and_round_half_up_once() -> None:
    rate = dues.Rate(2026, "REG", "Regular", D("99.99"), None, D("80.01"))
    rules = dues.YearRules(
        2026,
        enterprise_full_count=2,
        promotion_percent=50,
        proration=dues.parse_proration("07-01=50"),
    )
    window = dues.dues_year_window(2026)
    priced = dues.price_dues(
        rate, rules, window, joined_on=dt.date(2026, 8, 1), organisation="Firm", promoted=True
    )
    assert priced.amount == D("25.00")  # 99.99 x 50 % x 50 % = 24.9975
    tiered = dues.price_dues(
        rate, rules, window, joined_on=dt.date(2020, 1, 1), organisation="Firm", org_position=3
    )
    assert (tiered.amount, tiered.tier) == (D("80.01"), "enterprise")


def test_a_dues_year_starting_in_july(tmp_path: Path) -> None:
    db = open_database(tmp_path / "july.sqlite3", create=True)
    try:
        init_chapter(db, "Fiscal Chapter", year_start="07-01")
        window = dues.dues_year(db, 2026)
        assert (window.starts_on, window.ends_on) == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))
        assert dues.dues_year(db, today=dt.date(2027, 3, 1)).year == 2026
        assert dues.dues_year(db, today=dt.date(2027, 7, 1)).year == 2027
        dues.set_rate(db, 2026, "REG", "200")
        dues.set_year_rules(db, dues.YearRules(2026, proration=dues.parse_proration("01-01=50")))
        add_hq(db, "1", paid_through=dt.date(2027, 12, 31))
        add_hq(db, "2", paid_through=dt.date(2027, 12, 31))
        add_hq(db, "3", paid_through=dt.date(2027, 12, 31))
        for hq_id, joined in (("1", "2026-06-30"), ("2", "2026-12-31"), ("3", "2027-01-02")):
            roster.add_member(
                db,
                hq_id,
                chapter_joined_on=dt.date.fromisoformat(joined),
                as_of=dt.date(2027, 1, 2),
            )
        result = dues.assess_dues(db, 2026, as_of=dt.date(2027, 1, 10))
        # The 01-01 step of dues year 2026 falls on 2027-01-01.
        assert amounts(result) == {"1": D("200.00"), "2": D("200.00"), "3": D("100.00")}
    finally:
        db.dispose()


def test_dry_run_writes_nothing_and_a_second_run_charges_nobody_twice(
    rated: Database, add_member: AddMember
) -> None:
    ids = [add_member() for _ in range(3)]
    dry = dues.assess_dues(rated, 2026, dry_run=True, as_of=TODAY)
    assert ledger_rows(rated) == 0 and dry.dry_run
    assert all(line.entry_id is None for line in dry.charged)
    real = dues.assess_dues(rated, 2026, as_of=TODAY)
    assert [(x.hq_id, x.amount) for x in real.charged] == [(x.hq_id, x.amount) for x in dry.charged]
    assert sorted(x.hq_id for x in real.charged) == sorted(ids)
    assert all(line.entry_id for line in real.charged)
    again = dues.assess_dues(rated, 2026, as_of=TODAY)
    assert again.charged == () and again.already_charged == 3 and again.total == 0
    assert ledger_rows(rated) == 3


def test_members_not_in_good_standing_or_without_a_rate_are_listed_not_charged(
    rated: Database, add_member: AddMember
) -> None:
    good = add_member()
    grace = add_member(paid_through=TODAY - dt.timedelta(days=10))
    academic = add_member(member_type="Academic")
    unmatched = add_member()  # admitted as Regular; HQ has since relabelled them
    with rated.session() as session:
        session.execute(
            update(HqMember).where(HqMember.hq_id == unmatched).values(member_type="Paralegal")
        )
    lapsing = add_member(paid_through=dt.date(2026, 12, 31))
    result = dues.assess_dues(rated, 2026, as_of=dt.date(2027, 6, 1))  # standing judged then
    assert result.charged == ()  # everyone's paid-through date is long gone by then
    result = dues.assess_dues(rated, 2026, as_of=TODAY)
    assert sorted(amounts(result)) == sorted([good, grace, lapsing])
    reasons = {s.hq_id: (s.standing, s.reason) for s in result.skipped}
    assert reasons[academic] == (Standing.GOOD, "no rate set for Academic in 2026")
    assert "matches no chapter category" in reasons[unmatched][1]


def test_lapsed_members_are_skipped_with_their_standing(
    rated: Database, add_member: AddMember
) -> None:
    member = add_member()
    result = dues.assess_dues(rated, 2026, as_of=dt.date(2027, 6, 1))
    (skipped,) = result.skipped
    assert (skipped.hq_id, skipped.standing) == (member, Standing.LAPSED)
    assert skipped.reason == "international membership is lapsed"


def test_a_reversed_charge_may_be_assessed_again_but_never_twice_live(
    rated: Database, add_member: AddMember
) -> None:
    member = add_member()
    first = dues.assess_dues(rated, 2026, as_of=TODAY).charged[0]
    assert first.entry_id is not None
    dues.reverse_entry(rated, first.entry_id, "Wrong category", today=TODAY)
    second = dues.assess_dues(rated, 2026, as_of=TODAY).charged
    assert [x.hq_id for x in second] == [member]
    assert dues.member_balance(rated, member, TODAY).outstanding == D("150.00")
    # The database itself refuses a second live charge with the same sequence number.
    with pytest.raises(IntegrityError), rated.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ledger_entry (kind, hq_id, dues_year, charge_seq, amount_cents,"
                " posted_on, reference, reason, detail, created_at) VALUES ('charge', :id, 2026,"
                " 2, 15000, '2026-11-25', '', '', '', '2026-11-25 00:00:00')"
            ),
            {"id": member},
        )


def test_rate_settings_refuse_bad_input(rated: Database) -> None:
    with pytest.raises(BadInputError, match="No category is called 'Gold'"):
        dues.set_rate(rated, 2026, "Gold", "10")
    with pytest.raises(RuleRefusedError, match="Business Partner is not eligible"):
        dues.set_rate(rated, 2026, "BP", "10")
    with pytest.raises(BadInputError, match="fraction of a cent"):
        dues.set_rate(rated, 2026, "REG", "10.001")
    with pytest.raises(BadInputError, match="not a dues year"):
        dues.set_rate(rated, 26, "REG", "10")
    with pytest.raises(BadInputError, match="MM-DD=PERCENT"):
        dues.parse_proration("July=50")
    with pytest.raises(BadInputError, match="0 to 100"):
        dues.set_year_rules(
            rated, dues.YearRules(2026, proration=dues.parse_proration("07-01=150"))
        )
    emeritus = dues.set_rate(rated, 2026, "Emeritus", "0")
    assert emeritus.amount == D("0.00")
    assert [r.category_code for r in dues.list_rates(rated, 2026)] == ["REG", "ASSOC", "EMER"]
    assert dues.clear_rate(rated, 2026, "EMER") and len(dues.list_rates(rated)) == 2
