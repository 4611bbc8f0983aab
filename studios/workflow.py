"""The states' edges of studios and of residents' appointments, declared once.

A studio is registered preparing (筹建), opens (挂牌运行), may be suspended and resumed, and
exits (退出机制) with a reason; an exited studio keeps its history and its past figures.
Office staff and the liaison staff of the studio's group take these steps. An appointment a
resident asked for is confirmed or declined by a member on duty (or staff), may be cancelled
by the resident with its code, and is marked received when the visit is recorded.
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import Edge, Workflow, register, staff_in_scope

from . import selectors
from .models import Appointment, Studio

State = Studio.State
STAFF_PERMISSION = "studios.change_studio"


def may_run_studio(actor, studio: Studio) -> bool:
    """Staff allowed to change studios whose scope includes this one."""
    return staff_in_scope(
        actor, studio, permission=STAFF_PERMISSION, visible=selectors.studios_visible_to
    )


STUDIO = register(
    Workflow(
        model=Studio,
        edges=(
            Edge(
                "studio_open",
                _("opened (挂牌运行)"),
                (State.PREPARING,),
                State.OPEN,
                may_act=may_run_studio,
                public=True,
            ),
            Edge(
                "studio_suspend",
                _("suspended"),
                (State.OPEN,),
                State.SUSPENDED,
                may_act=may_run_studio,
                public=True,
            ),
            Edge(
                "studio_resume",
                _("resumed"),
                (State.SUSPENDED,),
                State.OPEN,
                may_act=may_run_studio,
                public=True,
            ),
            Edge(
                "studio_exit",
                _("exited (退出)"),
                (State.PREPARING, State.OPEN, State.SUSPENDED),
                State.EXITED,
                may_act=may_run_studio,
                public=True,
            ),
        ),
        other_actions={"studio_register": _("registered")},
    )
)

AState = Appointment.State


def may_answer_appointment(actor, appointment: Appointment) -> bool:
    """A member of the studio, or staff whose scope includes the studio."""
    return bool(
        actor is not None
        and actor.is_active
        and (
            selectors.is_studio_member(actor, appointment.studio_id)
            or may_run_studio(actor, appointment.studio)
        )
    )


APPOINTMENT = register(
    Workflow(
        model=Appointment,
        edges=(
            Edge(
                "appointment_confirm",
                _("appointment confirmed"),
                (AState.REQUESTED,),
                AState.CONFIRMED,
                may_act=may_answer_appointment,
                public=True,
            ),
            Edge(
                "appointment_decline",
                _("appointment declined"),
                (AState.REQUESTED, AState.CONFIRMED),
                AState.DECLINED,
                may_act=may_answer_appointment,
                public=True,
            ),
            # Anonymous: whoever holds the appointment code.
            Edge(
                "appointment_cancel",
                _("cancelled by the resident"),
                (AState.REQUESTED, AState.CONFIRMED),
                AState.CANCELLED,
                public=True,
            ),
            Edge(
                "appointment_received",
                _("received"),
                (AState.CONFIRMED,),
                AState.DONE,
                may_act=may_answer_appointment,
                public=True,
            ),
        ),
        other_actions={"appointment_request": _("appointment requested")},
    )
)
