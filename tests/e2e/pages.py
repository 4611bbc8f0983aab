"""THE list of pages that tests/e2e/test_accessibility.py scans: every public, member and
department page, each at a phone and a desktop size, in normal and in elder mode.

A page added to the portal is one line in PAGES:

    Page("name shown in the test id", WHO, "/path/" or a function of the Scene, [action])

- WHO: ANONYMOUS, MEMBER (王秀英, a member with groups and activities), HANDLER (a department
  handler), NOT_A_MEMBER (a login with no member record) or STAFF (office staff).
- The URL may be a function that receives the Scene (the logged-in people and their
  department, built fresh for each test) and returns the path; it may create what the page
  shows with the factories, as the small helpers below do, e.g.
  `lambda s: f"/member/opinions/{draft_report(s)}/edit/"`.
- action (optional): what the browser does before the scan, e.g. `submit_form` to scan a form
  as it comes back with its errors.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from members.models import Activity
from residents import services as resident_services
from residents.models import ResidentIssue
from studios.models import AnnualPlan, Studio, StudioMember
from studios.services import reception
from tests.members.factories import (
    ActivityFactory,
    AttendanceFactory,
    GroupFactory,
    MemberFactory,
    OfficeStaffFactory,
    SectorFactory,
    UserFactory,
)
from tests.opinions.factories import (
    AssignedProposalFactory,
    DepartmentFactory,
    ForwardedReportFactory,
    HandlerFactory,
    OpinionReportFactory,
    ProposalFactory,
)
from tests.residents.factories import ResidentIssueFactory, StreetFactory
from tests.studios.booking_factories import (
    AppointmentFactory,
    BookingSlotFactory,
    BookingStudioFactory,
    BookingStudioMemberFactory,
)
from tests.studios.factories import DutySlotFactory, StudioFactory, StudioMemberFactory
from tests.studios.reception_factories import VisitFactory

VISIT_NEW = "/member/studio/visits/new/"

ANONYMOUS = "anonymous"
MEMBER = "member"
HANDLER = "handler"
NOT_A_MEMBER = "not-a-member"
STAFF = "staff"


@dataclass(frozen=True)
class Scene:
    """Who can be logged in, with enough data that their pages show lists, dates and badges."""

    member: object  # members.models.Member
    department: object  # opinions.models.Department
    handler: object  # members.models.User who handles `department`
    not_a_member: object  # members.models.User without a member record
    staff: object  # members.models.User of the committee office

    def user(self, who: str):
        """The login for WHO, or None for ANONYMOUS."""
        logins = {
            MEMBER: self.member.user,
            HANDLER: self.handler,
            NOT_A_MEMBER: self.not_a_member,
            STAFF: self.staff,
        }
        return None if who == ANONYMOUS else logins[who]


def build_scene() -> Scene:
    group = GroupFactory(name="城关街道活动组")
    member = MemberFactory(name="王秀英", mobile="13912345678", street_group=group)
    ActivityFactory(title="社区义诊进网格", organiser_group=group, place="城关街道和平社区服务中心")
    past = ActivityFactory(
        title="老旧小区加装电梯调研",
        organiser_group=group,
        starts_at=timezone.now() - datetime.timedelta(days=10),
    )
    AttendanceFactory(activity=past, member=member)
    department = DepartmentFactory(name="区住房和城乡建设局")
    return Scene(
        member=member,
        department=department,
        handler=HandlerFactory(username="zhujian", department=department),
        not_a_member=UserFactory(username="liqiang"),
        staff=OfficeStaffFactory(username="zhangwei"),
    )


# What the pages that show one thing show: made for the scene's member and department.
def report(s: Scene) -> int:
    return ForwardedReportFactory(author=s.member, department=s.department).pk


def draft_report(s: Scene) -> int:
    return OpinionReportFactory(author=s.member).pk


def proposal(s: Scene) -> int:
    return AssignedProposalFactory(proposer=s.member, lead_department=s.department).pk


def draft_proposal(s: Scene) -> int:
    return ProposalFactory(proposer=s.member).pk


def issue_code(s: Scene) -> str:
    return ResidentIssueFactory().tracking_code


def closed_code(s: Scene) -> str:
    """An issue the office accepted and closed with a public reply: the page asks for feedback."""
    staff = OfficeStaffFactory()
    issue = resident_services.issue_accept(issue=ResidentIssueFactory(), actor=staff)
    reply = "路灯已于本周修复，感谢您的反映。"
    return resident_services.issue_close(issue=issue, actor=staff, reply=reply).tracking_code


def studio(s: Scene, name: str = "法律服务委员工作室", **fields) -> int:
    """An open law studio in a street, with the scene's member leading it, a resident member, a
    reception day ahead and a service it gave residents. Made once for a scene: the pages of
    one scene (the CSP scan opens them all) share it."""
    made = Studio.objects.filter(name=name).first()
    if made is not None:
        return made.pk
    law = StudioFactory(
        name=name,
        kind=Studio.Kind.INDUSTRY,
        industry="法律",
        street=StreetFactory(name="城关街道"),
        phone="0000-12345678",
        description="为群众提供免费法律咨询，调解邻里纠纷。",
        **fields,
    )
    StudioMemberFactory(studio=law, member=s.member, role=StudioMember.Role.LEAD)
    StudioMemberFactory(studio=law, member=MemberFactory(name="李建国"))
    DutySlotFactory(studio=law, members=[s.member])
    ActivityFactory(
        title="法律咨询进社区",
        kind=Activity.Kind.SERVICE,
        organiser_group=None,
        organiser_studio=law,
        starts_at=timezone.now() - datetime.timedelta(days=20),
        outcome="解答群众咨询 32 人次，受理调解申请 3 件。",
    )
    return law.pk


def studio_directory(s: Scene) -> str:
    studio(s)
    StudioFactory(
        name="煤炭行业委员工作室",
        kind=Studio.Kind.INDUSTRY,
        industry="煤炭",
        state=Studio.State.SUSPENDED,
    )
    return "/studios/"


def studio_directory_no_match(s: Scene) -> str:
    """The directory asked for a street and a sector that have studios, but none together."""
    street = Studio.objects.get(pk=studio(s)).street_id
    sector = StudioFactory(name="经济界委员工作室", sector=SectorFactory(name="经济界")).sector_id
    return f"/studios/?street={street}&sector={sector}"


def member_studio(s: Scene, path: str = "/member/studio/") -> str:
    """The member's law studio with a plan for this year and a visit it received: `path`
    shows it."""
    law = Studio.objects.get(pk=studio(s))
    AnnualPlan.objects.get_or_create(
        studio=law, year=timezone.localdate().year, defaults={"target_reports": 4}
    )
    VisitFactory(studio=law).members.set([s.member])
    return path


def studio_visit(s: Scene) -> int:
    """A visit to the member's studio, received by them, solved on the spot."""
    visit = VisitFactory(studio=Studio.objects.get(pk=studio(s)), solved_on_spot=True)
    visit.members.set([s.member])
    return visit.pk


def followed_up_visit(s: Scene) -> int:
    """A visit the office made a resident issue handed to the studio: it shows the tracking
    code to give the visitor."""
    law = Studio.objects.get(pk=studio(s))
    visit = VisitFactory(studio=law)
    visit.members.set([s.member])
    reception.visit_to_issue(
        visit=visit,
        actor=OfficeStaffFactory(),
        street=law.street,
        community=None,
        category=ResidentIssue.Category.PUBLIC_FACILITIES,
        place="和平里3号楼东门",
    )
    return visit.pk


def booking_studio(s: Scene, **fields):
    """An open studio of the scene's member, who is on duty in its next two slots."""
    studio = BookingStudioFactory(**fields)
    BookingStudioMemberFactory(studio=studio, member=s.member)
    BookingSlotFactory(studio=studio, members=[s.member])
    BookingSlotFactory(studio=studio, days=14, members=[s.member, MemberFactory(name="李建国")])
    return studio


def appointment(s: Scene):
    """A resident's request for the first slot of the member's studio."""
    slot = booking_studio(s).duty_slots.first()
    return AppointmentFactory(slot=slot, name="张建国", mobile="13812345678")


def confirmed_code(s: Scene) -> str:
    """An appointment the member on duty confirmed with an answer: the page shows it."""
    from studios.services import booking

    booked = appointment(s)
    booking.appointment_confirm(
        appointment=booked, actor=s.member.user, answer="请带上身份证，从东门进。"
    )
    return booked.code


def appointments_page(s: Scene) -> str:
    appointment(s)
    return "/member/studio/appointments/"


def submit_form(page) -> None:
    """Send the page's main form as it is (empty), to scan the form with its errors."""
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("load")


def lock_out(page) -> None:
    """Five wrong passwords for one mobile: the fifth answer is the lockout page (sooner
    when an earlier scan of this test has already counted some)."""
    for _ in range(5):
        if page.locator("input[name=username]").count() == 0:
            break
        page.fill("input[name=username]", "13912345678")
        page.fill("input[name=password]", "wrong-Password1")
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state("load")


@dataclass(frozen=True)
class Page:
    name: str
    who: str
    url: str | Callable[[Scene], str]
    action: Callable | None = None

    def path(self, scene: Scene) -> str:
        return self.url(scene) if callable(self.url) else self.url


PAGES = [
    # Public pages.
    Page("home", ANONYMOUS, "/"),
    Page("login", ANONYMOUS, "/accounts/login/"),
    Page("login refused", ANONYMOUS, "/accounts/login/", submit_form),
    Page("login locked", ANONYMOUS, "/accounts/login/", lock_out),
    Page("not found (404)", ANONYMOUS, "/no-such-page/"),
    # Member pages.
    Page("member dashboard", MEMBER, "/member/"),
    Page("password change", MEMBER, "/accounts/password_change/"),
    Page("password change refused", MEMBER, "/accounts/password_change/", submit_form),
    Page("password changed", MEMBER, "/accounts/password_change/done/"),
    Page("not a member (403)", NOT_A_MEMBER, "/member/"),
    Page("member reports", MEMBER, "/member/opinions/"),
    Page("member report new", MEMBER, "/member/opinions/new/"),
    Page("member report new refused", MEMBER, "/member/opinions/new/", submit_form),
    Page("member report", MEMBER, lambda s: f"/member/opinions/{report(s)}/"),
    Page("member report edit", MEMBER, lambda s: f"/member/opinions/{draft_report(s)}/edit/"),
    Page("member proposals", MEMBER, "/member/proposals/"),
    Page("member proposal new", MEMBER, "/member/proposals/new/"),
    Page("member proposal new refused", MEMBER, "/member/proposals/new/", submit_form),
    Page("member proposal", MEMBER, lambda s: f"/member/proposals/{proposal(s)}/"),
    Page("member proposal edit", MEMBER, lambda s: f"/member/proposals/{draft_proposal(s)}/edit/"),
    Page("member notifications", MEMBER, "/member/notifications/"),
    # Staff pages outside the admin.
    Page("staff second factor", STAFF, "/accounts/two-factor/"),
    Page("staff second factor refused", STAFF, "/accounts/two-factor/", submit_form),
    # Department pages.
    Page("department inbox", HANDLER, "/department/"),
    Page("department report", HANDLER, lambda s: f"/department/reports/{report(s)}/"),
    Page("department proposal", HANDLER, lambda s: f"/department/proposals/{proposal(s)}/"),
    Page("department notifications", HANDLER, "/department/notifications/"),
    Page("not a handler (403)", MEMBER, "/department/"),
    # Resident pages (public).
    Page("resident issue form", ANONYMOUS, "/issues/new/"),
    Page("resident issue form refused", ANONYMOUS, "/issues/new/", submit_form),
    Page("resident issue sent", ANONYMOUS, lambda s: f"/issues/new/done/?code={issue_code(s)}"),
    Page("tracking page", ANONYMOUS, "/issues/track/"),
    Page("tracking result", ANONYMOUS, lambda s: f"/issues/track/?code={issue_code(s)}"),
    Page("tracking result closed", ANONYMOUS, lambda s: f"/issues/track/?code={closed_code(s)}"),
    Page("tracking unknown code", ANONYMOUS, "/issues/track/?code=ABCDEFGH"),
    # Member studios (public).
    Page("studio directory", ANONYMOUS, studio_directory),
    Page("studio page", ANONYMOUS, lambda s: f"/studios/{studio(s)}/"),
    # Studio appointments (public), and the members' answer to them.
    Page("studio booking form", ANONYMOUS, lambda s: f"/studios/{booking_studio(s).pk}/book/"),
    Page(
        "studio booking form refused",
        ANONYMOUS,
        lambda s: f"/studios/{booking_studio(s).pk}/book/",
        submit_form,
    ),
    Page(
        "studio booking suspended",
        ANONYMOUS,
        lambda s: f"/studios/{booking_studio(s, state='suspended').pk}/book/",
    ),
    Page(
        "studio appointment sent",
        ANONYMOUS,
        lambda s: f"/studios/appointment/done/?code={appointment(s).code}",
    ),
    Page("appointment check page", ANONYMOUS, "/studios/appointment/"),
    Page(
        "appointment check result",
        ANONYMOUS,
        lambda s: f"/studios/appointment/?code={confirmed_code(s)}",
    ),
    Page("appointment unknown code", ANONYMOUS, "/studios/appointment/?code=ABCDEFGH"),
    Page("member appointments", MEMBER, appointments_page),
    Page(
        "member appointment", MEMBER, lambda s: f"/member/studio/appointments/{appointment(s).pk}/"
    ),
    # Member studios: the directory and a studio's page in their other states, and the
    # member's studio pages.
    Page("studio directory no match", ANONYMOUS, studio_directory_no_match),
    Page(
        "studio page suspended",
        ANONYMOUS,
        lambda s: f"/studios/{studio(s, '法律援助委员工作站', state='suspended')}/",
    ),
    Page("member dashboard with studio", MEMBER, lambda s: member_studio(s, "/member/")),
    Page("member studio", MEMBER, member_studio),
    Page("member studio none", MEMBER, "/member/studio/"),
    Page("member studio visit form", MEMBER, lambda s: member_studio(s, VISIT_NEW)),
    Page("member studio visit refused", MEMBER, lambda s: member_studio(s, VISIT_NEW), submit_form),
    Page("member studio visit", MEMBER, lambda s: f"/member/studio/visits/{studio_visit(s)}/"),
    Page(
        "member studio visit followed up",
        MEMBER,
        lambda s: f"/member/studio/visits/{followed_up_visit(s)}/",
    ),
]
