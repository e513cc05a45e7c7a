"""Certificate import from an evaluation organisation's results file (issue 9, item 6): the
certificates' declarations for core's importer (`xuetu.core.imports`) and the blank template.

    result = certificate_import(by=user, data=upload)      # all rows, or none
    result.ok, result.report()                             # [{row, column, message, value, …}]
    error_workbook(upload, result)                         # the file with `错误 / Errors`

Each row is read as `certificate_record` would read it (the holder registered and within the
recorder's reach, the number against its layout, the model's own checks), but for the whole
file at once: a fixed number of queries, then one bulk insert and its audit events. A number
in no published layout is a warning, and its certificate waits in the bureau's review queue.
The page and the job are in `xuetu.certification.tasks`, the terminal runs
`manage.py import_certificates`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment

from xuetu.accounts.choices import Role
from xuetu.accounts.models import Organisation, User
from xuetu.certification.access import CERTIFY, ENROLLED
from xuetu.certification.choices import ReviewStatus
from xuetu.certification.models import Certificate
from xuetu.certification.numbers import (
    ACCEPTED,
    PENDING_REVIEW,
    Reading,
    read_number,
    review_reason,
)
from xuetu.certification.services import DUPLICATE, NOT_RECORDER, RECORDER_IS_CLAIMANT
from xuetu.core.access import CITY_ROLES, scope_for
from xuetu.core.excel import HEADER_FILL, HEADER_FONT
from xuetu.core.imports import (
    ERROR,
    WARNING,
    Column,
    Columns,
    FieldChecks,
    ImportResult,
    ImportSpec,
    Maker,
    Progress,
    Row,
    Stored,
    Texts,
    audit_created,
    cells,
    flag_duplicates,
    in_slices,
    insert_objects,
    run_import,
    validation_problems,
)
from xuetu.core.imports.sheet import Upload
from xuetu.core.services import actor
from xuetu.programmes.models import Enrollment
from xuetu.registry.choices import CertificateType, SkillLevel
from xuetu.registry.models import Occupation, Person
from xuetu.registry.services import (
    NAME_MISMATCH,
    TOO_MANY_MISMATCHES,
    identity_mismatches_audit,
    identity_spend,
)

if TYPE_CHECKING:
    pass

# An evaluation organisation's batch for one sitting: a few thousand at most. A bigger file is
# more likely a whole register pasted by mistake.
ROW_LIMIT = 5000

_C = CertificateType
KINDS: dict[str, str] = {
    "职业技能等级证书": _C.SKILL_LEVEL,
    "职业资格证书": _C.QUALIFICATION,
    "专项职业能力证书": _C.SPECIAL_ABILITY,
    "培训合格证书": _C.TRAINING,
    **{kind.value: kind.value for kind in CertificateType},
}
_NUMERALS = ("一级", "二级", "三级", "四级", "五级")
_NAMES = ("高级技师", "技师", "高级工", "中级工", "初级工")


def _level_names(level: int) -> tuple[str, ...]:
    """How results files write a level: 3, 3级, 三级, 高级工, 三级/高级工, senior…"""
    numeral, name = _NUMERALS[level - 1], _NAMES[level - 1]
    english = SkillLevel(level).name.lower()
    return (
        str(level),
        f"{level}级",
        numeral,
        name,
        f"{numeral}/{name}",
        f"{level}级/{name}",
        f"{numeral}（{name}）",
        f"{numeral}({name})",
        english,
    )


LEVELS: dict[str, int] = {
    text: level.value for level in SkillLevel for text in _level_names(level.value)
}
kind_cell = cells.choice(
    KINDS,
    _(
        "Choose 职业技能等级证书, 职业资格证书, 专项职业能力证书 or 培训合格证书 (or skill_level, "
        "qualification, special_ability, training)."
    ),
    code="kind_unknown",
)
level_cell = cells.choice(
    LEVELS,
    _("Write the level as 1 to 5, 五级 to 一级, or 初级工, 中级工, 高级工, 技师, 高级技师."),
    code="level_unknown",
)

COLUMNS = Columns(
    [
        Column("id_number", "身份证号", cells.resident_id, width=22, aliases=("证件号码",)),
        Column("name", "姓名", cells.person_name(max_length=60), width=12),
        Column("kind", "证书类别", kind_cell, width=18),
        Column("occupation", "职业编码", cells.text(max_length=20), blank=True, empty="", width=14),
        Column("level", "等级", level_cell, blank=True, width=10, aliases=("证书等级",)),
        Column("number", "证书编号", cells.text(max_length=40), width=26),
        Column("issuer", "评价机构", cells.text(max_length=120), width=30, aliases=("发证机构",)),
        Column("issued_on", "发证日期", cells.date, width=14),
    ]
)
UNKNOWN_HOLDER = _("No registered person has this ID number and name.")
UNKNOWN_OCCUPATION = _("No occupation in the catalogue has this code.")
DUPLICATE_IN_FILE = _("The same certificate number is already in row %(row)s.")
# The occupation is a relation read above: its field check would ask the database per row.
CHECKED_FIELDS = ("kind", "level", "number", "issuer", "issued_on", "project")
# Where the model's field names land in the file.
_MODEL_COLUMNS = {"holder": "id_number", "project": "occupation", "occupation": "occupation"}


def check_row(row: Row) -> None:
    """The number read against its kind's layout: refused, or a warning for the review queue."""
    kind, number = row.get("kind"), row.get("number")
    issued = row.get("issued_on")
    if kind is None or not number:
        return
    reading = read_number(
        kind, number, level=row.get("level"), issued_year=getattr(issued, "year", None)
    )
    row.values["reading"] = reading
    if reading.outcome != ACCEPTED:
        level = WARNING if reading.outcome == PENDING_REVIEW else ERROR
        for problem in reading.problems:
            row.add("number", problem.message, code=problem.code, level=level)
    row.values["number"] = reading.number


@dataclass
class CertificateContext:
    """The importer, and what is stored that the rows are checked against (read in a fixed
    number of queries): the people, whom the importer may record for, the occupations."""

    by: User
    people: dict[str, Person] = field(default_factory=dict)
    reachable: set[int] = field(default_factory=set)
    claimed: set[int] = field(default_factory=set)
    recorders: dict[int, int] = field(default_factory=dict)  # person id → organisation id
    bureau: int | None = None
    occupations: dict[str, Occupation] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    made: dict[int, Certificate] = field(default_factory=dict)  # row number → certificate
    mismatches: int = 0


def check_rows(rows: list[Row], context: CertificateContext) -> None:
    flag_duplicates(rows, "number", DUPLICATE_IN_FILE)
    load_stored(context, rows)
    make = Maker(Certificate, cached=("occupation",))
    checks = FieldChecks(Certificate, CHECKED_FIELDS)
    for row in rows:
        _check_holder(row, context)
        _check_occupation(row, context)
        if row.get("number") in context.taken:
            row.add("number", DUPLICATE, code="duplicate_number")
        if row.ok:
            _check_model(row, context, make, checks)


def load_stored(context: CertificateContext, rows: list[Row]) -> None:
    numbers = {row.get("id_number").number for row in rows if row.get("id_number") is not None}
    for chunk in in_slices(numbers):
        found = Person.objects.filter(id_number__in=chunk).only("id", "id_number", "name")
        context.people.update({person.id_number: person for person in found})
    ids = [person.pk for person in context.people.values()]
    _load_reach(context, ids)
    codes = {row.get("occupation") for row in rows if row.get("occupation")}
    for chunk in in_slices(codes):
        found_occupations = Occupation.objects.filter(code__in=chunk)
        context.occupations.update({o.code: o for o in found_occupations})
    stored = {row.get("number") for row in rows if row.get("number")}
    for chunk in in_slices(stored):
        taken = Certificate.objects.filter(number__in=chunk).values_list("number", flat=True)
        context.taken.update(taken)


def _load_reach(context: CertificateContext, ids: list[int]) -> None:
    """Whom the importer may record for, which of them an enterprise of theirs claims for (an
    enterprise never records), and the organisation each certificate is recorded by: the
    institution teaching the holder's latest class, else the bureau."""
    by, scope = context.by, scope_for(context.by)
    enterprises = {o for o, role in scope.memberships if role == Role.ENTERPRISE_MANAGER}
    institutions = {o for o, role in scope.memberships if role == Role.INSTITUTION_MANAGER}
    context.bureau = next((o for o, role in scope.memberships if role in CITY_ROLES), None)
    for chunk in in_slices(ids):
        reach = Person.objects.for_user(by, CERTIFY).filter(pk__in=chunk)
        context.reachable.update(reach.values_list("pk", flat=True))
        if enterprises and not scope.city:
            claimed = Enrollment.objects.filter(
                ENROLLED, person_id__in=chunk, cohort__enterprise_id__in=enterprises
            )
            context.claimed.update(claimed.values_list("person_id", flat=True))
        if institutions:
            taught = (
                Enrollment.objects.filter(
                    ENROLLED, person_id__in=chunk, cohort__institution_id__in=institutions
                )
                .order_by("person_id", "cohort__planned_start", "pk")
                .values_list("person_id", "cohort__institution_id")
            )
            context.recorders.update(dict(taught))  # the latest class's, as the service


def _check_holder(row: Row, context: CertificateContext) -> None:
    number, name = row.get("id_number"), row.get("name")
    if number is None or name is None:
        return  # the cell's own problem is reported
    person = context.people.get(number.number)
    same_name = (
        person is not None and bool(name) and cells.squeeze(name) == cells.squeeze(person.name)
    )
    reachable = person is not None and person.pk in context.reachable
    if person is None or (not reachable and not same_name):
        # Someone the importer may not record for is not told apart from nobody.
        row.add("id_number", UNKNOWN_HOLDER, code="holder_unknown")
    elif not same_name:
        # Counted against the importer's hourly limit, as a roster's mismatches are.
        context.mismatches += 1
        if identity_spend(context.by):
            row.add("name", NAME_MISMATCH, code="name_mismatch")
        else:
            row.add("id_number", TOO_MANY_MISMATCHES, code="too_many_mismatches")
    elif person.pk in context.claimed:
        row.add("id_number", RECORDER_IS_CLAIMANT.message, code=RECORDER_IS_CLAIMANT.code)
    elif not reachable:
        row.add("id_number", NOT_RECORDER, code="not_recorder")
    else:
        row.values["holder"] = person


def _check_occupation(row: Row, context: CertificateContext) -> None:
    code = row.get("occupation")
    row.values["occupation_obj"] = None
    if not code:
        return
    occupation = context.occupations.get(code)
    if occupation is None:
        row.add("occupation", UNKNOWN_OCCUPATION, code="occupation_unknown")
    row.values["occupation_obj"] = occupation


def _check_model(row: Row, context: CertificateContext, make: Maker, checks: FieldChecks) -> None:
    """The certificate as `certificate_record` would build it, checked by the model's fields
    and `clean()` without a query."""
    holder = row.get("holder")
    reading = cast(Reading, row.get("reading"))
    certificate = make(
        holder_id=holder.pk,
        kind=row.get("kind"),
        occupation=row.get("occupation_obj"),
        level=row.get("level"),
        number=reading.number,
        issuer=row.get("issuer"),
        issued_on=row.get("issued_on"),
        organisation_id=context.recorders.get(holder.pk, context.bureau),
        recorded_by_id=getattr(actor(context.by), "pk", None),
    )
    if reading.outcome == PENDING_REVIEW:
        code, params = review_reason(certificate.kind, reading, row.get("issued_on").year)
        certificate.review_status = ReviewStatus.PENDING_REVIEW
        certificate.review_reason_code, certificate.review_reason_params = code, params
    try:
        checks.check(certificate)
    except ValidationError as error:
        for problem in validation_problems(error):
            row.add(column_for(problem.field), problem.message, code=problem.code)
        return
    context.made[row.number] = certificate


def column_for(field_name: str | None) -> str:
    name = field_name or "number"
    return _MODEL_COLUMNS.get(name, name if name in COLUMNS else "number")


def write_rows(rows: list[Row], context: CertificateContext) -> Stored:
    """One insert, then one audit event per certificate, as `certificate_record` writes them
    (`certificate.queue` for one that waits for review), grouped by the recording
    organisation."""
    made = [context.made[row.number] for row in rows]
    created = insert_objects(made, key="number", within={"recorded_by_id": made[0].recorded_by_id})
    groups: dict[tuple[int, str], list[Certificate]] = {}
    for certificate in created:
        waits = certificate.review_status == ReviewStatus.PENDING_REVIEW
        action = "certificate.queue" if waits else "certificate.create"
        groups.setdefault((certificate.organisation_id, action), []).append(certificate)
    organisations = {o.pk: o for o in _organisations(org for org, _ in groups)}
    for (organisation, action), group in groups.items():
        audit_created(
            by=context.by, objects=group, organisation=organisations[organisation], action=action
        )
    queued = sum(1 for c in created if c.review_status == ReviewStatus.PENDING_REVIEW)
    return Stored(count=len(created), ids=[c.pk for c in created], counts={"queued": queued})


def _organisations(ids: Iterable[int]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=set(ids)))


@dataclass
class CertificateResult(ImportResult):
    @property
    def queued(self) -> int:
        """How many of the imported certificates wait in the bureau's review queue."""
        return self.stored.counts["queued"] if self.stored else 0


CERTIFICATE_SPEC: ImportSpec[CertificateContext] = ImportSpec(
    columns=COLUMNS,
    row_limit=ROW_LIMIT,
    header_key="number",
    row_check=check_row,
    check=check_rows,
    write=write_rows,
    texts=Texts(
        no_rows=_("The file has a header row but no certificates."),
        imported=_("%(count)s certificates imported."),
        working=_("Importing certificates"),
    ),
    result_type=CertificateResult,
)


def may_import(user: Any) -> bool:
    """The city bureau and institution managers import (for whom: row by row)."""
    scope = scope_for(user)
    return scope.city or scope.has_role(Role.INSTITUTION_MANAGER)


def certificate_check_can_import(*, by: User) -> None:
    if not by.is_authenticated or not may_import(by):
        raise PermissionDenied(NOT_RECORDER)


def certificate_import(
    *,
    by: User,
    data: Upload,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> CertificateResult:
    """Check and import the certificates in `data` (an .xlsx). Raises ImportFileError when
    the file cannot be used at all; otherwise the result's `problems` name every bad cell.
    Nothing is stored on a dry run or when any row has an error."""
    certificate_check_can_import(by=by)
    context = CertificateContext(by=by)
    result = run_import(CERTIFICATE_SPEC, data, context, dry_run=dry_run, progress=progress)
    identity_mismatches_audit(
        by=by, organisation=None, count=context.mismatches, where="certificate_import"
    )
    return cast(CertificateResult, result)


# The template ---------------------------------------------------------------------------------
EXAMPLE = {
    "id_number": "（学徒的18位身份证号）",
    "name": "王小明",
    "kind": "职业技能等级证书",
    "occupation": "6-18-02-04",
    "level": "三级/高级工",
    "number": "S000150000123243000045",
    "issuer": "重庆市职业技能鉴定指导中心",
    "issued_on": "2024-06-28",
}


def certificate_template(*, language: str = "zh-hans") -> bytes:
    """The .xlsx users fill in: the header row (text columns), one example, and notes."""
    with override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = gettext("Certificates")[:31]
        sheet.append([column.header for column in COLUMNS])
        sheet.append([EXAMPLE[column.key] for column in COLUMNS])
        for index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(1, index)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = column.width
            sheet.column_dimensions[letter].number_format = "@"  # 18-digit numbers stay text
        sheet.freeze_panes = "A2"
        notes = workbook.create_sheet(gettext("Instructions")[:31])
        for line in _notes():
            notes.append([line])
        notes.column_dimensions["A"].width = 100
        for (cell,) in notes.iter_rows():
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _notes() -> list[str]:
    return [
        gettext(
            "One certificate per row. Delete the example in row 2. The English column names "
            "(id_number, name, kind, occupation, level, number, issuer, issued_on) are "
            "accepted too."
        ),
        gettext(
            "The holder must be registered with this ID number and name. Kind: 职业技能等级证书, "
            "职业资格证书, 专项职业能力证书 or 培训合格证书. Level: 1 to 5 (or 五级/初级工 … "
            "一级/高级技师), blank for special ability and training certificates."
        ),
        gettext(
            "A number whose level digit contradicts the level is an error; a number in no "
            "published layout is imported into the bureau's review queue, with a warning."
        ),
        gettext(
            "If any row has an error, nothing is imported; the report names the row and "
            "column of each problem."
        ),
    ]
