"""Roles from DOMAIN.md as Django groups with explicit permissions.

The table below is the contract; `sync_roles` makes the groups match it exactly (permissions not
listed are removed). It runs from the org migration and again after every migrate, because later
apps add models (and so permissions) after the org migration has run.
"""

from __future__ import annotations

from typing import Any

from kentsoc.org.choices import Role

_READ_CASES = [
    "ocg.view_ocg",
    "ocg.view_nominal",
    "countylines.view_countyline",
    "intel.view_intelligencerecord",
    "matrix.view_score",
]
_WRITE_INTEL = [
    "intel.add_intelligencerecord",
    "intel.change_intelligencerecord",
    "intel.delete_intelligencerecord",
]

# Disruptions (issue 7): case roles read approved ones on their subjects; LROs, CLGT officers and
# coordinators log them; supervisors approve; analysts and supervisors read all.
_READ_DISRUPTIONS = [
    "disruptions.view_disruption",
    "disruptions.view_operation",
    "disruptions.view_courtresult",
]
_LOG_DISRUPTIONS = _READ_DISRUPTIONS + [
    "disruptions.add_disruption",
    "disruptions.change_disruption",
    "disruptions.add_courtresult",
]

# Definition evidence belongs to the role that develops that kind of subject: OCG evidence to the
# OCGMU (coordinators, researchers), county-line evidence to the CLGT; supervisors, who nominate
# and approve both, hold both. `intel.services.evidence_add` checks the one for its subject.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COORDINATOR: _READ_CASES
    + _WRITE_INTEL
    + [
        "ocg.add_ocg",
        "ocg.change_ocg",
        "ocg.add_nominal",
        "ocg.change_nominal",
        "intel.add_ocg_evidence",
    ]
    + _LOG_DISRUPTIONS
    + ["disruptions.add_operation", "disruptions.change_operation"],
    Role.RESEARCHER: _READ_CASES
    + _WRITE_INTEL
    + ["ocg.change_ocg", "ocg.add_nominal", "ocg.change_nominal", "intel.add_ocg_evidence"]
    + _READ_DISRUPTIONS,
    Role.LRO: [
        "ocg.view_ocg",
        "ocg.view_nominal",
        "countylines.view_countyline",
        "intel.view_intelligencerecord",
        "matrix.view_score",
        "ocg.manage_plan_ocg",
    ]
    + _LOG_DISRUPTIONS,
    Role.CLGT_OFFICER: _READ_CASES
    + _WRITE_INTEL
    + [
        "countylines.add_countyline",
        "countylines.change_countyline",
        "countylines.view_personatrisk",
        "countylines.view_safeguardingreferral",
        "ocg.add_nominal",
        "ocg.change_nominal",
        "intel.add_line_evidence",
    ]
    + _LOG_DISRUPTIONS,
    Role.CLIO: [
        "countylines.view_countyline",
        "ocg.view_nominal",
        "matrix.view_score",
        "countylines.view_personatrisk",
        "countylines.add_personatrisk",
        "countylines.change_personatrisk",
        "countylines.view_safeguardingreferral",
        "countylines.add_safeguardingreferral",
        "countylines.change_safeguardingreferral",
    ]
    + _READ_DISRUPTIONS,
    Role.SUPERVISOR: _READ_CASES
    + _WRITE_INTEL
    + [
        "ocg.add_ocg",
        "ocg.change_ocg",
        "ocg.approve_ocg",
        "ocg.add_nominal",
        "ocg.change_nominal",
        "countylines.add_countyline",
        "countylines.change_countyline",
        "countylines.approve_countyline",
        "countylines.view_personatrisk",
        "countylines.view_safeguardingreferral",
        "intel.add_ocg_evidence",
        "intel.add_line_evidence",
        "audit.view_auditevent",
    ]
    + _LOG_DISRUPTIONS
    + [
        "disruptions.approve_disruption",
        "disruptions.add_operation",
        "disruptions.change_operation",
    ],
    Role.ANALYST: _READ_CASES + _WRITE_INTEL + _READ_DISRUPTIONS,
    Role.AUDITOR: ["audit.view_auditevent", "audit.export_auditevent"],
    # Users, officers' roles and teams, reference data; no police data (issue 13). Roles
    # (groups) are read only: this table is their definition.
    Role.ADMINISTRATOR: [
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        "org.add_officer",
        "org.change_officer",
        "org.view_officer",
        "org.add_team",
        "org.change_team",
        "org.view_team",
        "org.view_force",
        "org.view_division",
        "org.view_district",
    ],
}


# Lifetime management (kentsoc.lifetime, issue 9): the OCGMU coordinators lead, supervisors and LROs
# act (LROs on their OCGs' members only, by scoping); analysts read.
_LIFETIME_MANAGE = ["lifetime.view_lifetime", "lifetime.manage_lifetime"]
_LIFETIME_TRAINING = ["lifetime.view_traininginput", "lifetime.add_traininginput"]
ROLE_PERMISSIONS[Role.COORDINATOR] += _LIFETIME_MANAGE + _LIFETIME_TRAINING
ROLE_PERMISSIONS[Role.SUPERVISOR] += _LIFETIME_MANAGE + _LIFETIME_TRAINING
ROLE_PERMISSIONS[Role.LRO] += _LIFETIME_MANAGE + ["lifetime.view_traininginput"]
ROLE_PERMISSIONS[Role.ANALYST] += ["lifetime.view_lifetime", "lifetime.view_traininginput"]

# Prevention work (kentsoc.prevention, issue 16): CLIOs record school sessions and street-group
# interventions; supervisors and analysts read and count them (scoping: models.prevention_q).
_READ_PREVENTION = ["prevention.view_schoolsession", "prevention.view_streetgroupintervention"]
ROLE_PERMISSIONS[Role.CLIO] += _READ_PREVENTION + [
    "prevention.add_schoolsession",
    "prevention.change_schoolsession",
    "prevention.add_streetgroupintervention",
    "prevention.change_streetgroupintervention",
]
ROLE_PERMISSIONS[Role.SUPERVISOR] += _READ_PREVENTION
ROLE_PERMISSIONS[Role.ANALYST] += _READ_PREVENTION

# Gangs and street groups (kentsoc.gangs, issue 16): the CLGTs' remit with county lines. CLGT
# officers and supervisors record them; CLIOs, coordinators and analysts read them (scoping
# narrows each to the gangs of their division where it applies).
_READ_GANGS = ["gangs.view_gang", "gangs.view_gangmembership"]
_WRITE_GANGS = _READ_GANGS + ["gangs.add_gang", "gangs.change_gang"]
ROLE_PERMISSIONS[Role.CLGT_OFFICER] += _WRITE_GANGS
ROLE_PERMISSIONS[Role.SUPERVISOR] += _WRITE_GANGS
ROLE_PERMISSIONS[Role.CLIO] += _READ_GANGS
ROLE_PERMISSIONS[Role.COORDINATOR] += _READ_GANGS
ROLE_PERMISSIONS[Role.ANALYST] += _READ_GANGS

# Likely duplicates and merging two records of one person (kentsoc.people, issue 17): the
# coordinators who keep the people, and supervisors.
ROLE_PERMISSIONS[Role.COORDINATOR] += ["people.merge_nominals"]
ROLE_PERMISSIONS[Role.SUPERVISOR] += ["people.merge_nominals"]

# Lines and OCGs shared across forces (kentsoc.sharing, issue 19): supervisors ask for, offer,
# approve, refuse and revoke shares; what a live share lends is read by each role as scoping says.
ROLE_PERMISSIONS[Role.SUPERVISOR] += [
    "sharing.view_share",
    "sharing.add_share",
    "sharing.approve_share",
]


def group_name(role: str) -> str:
    return Role(role).label


def sync_roles(apps: Any = None) -> list[str]:
    """Create one group per role holding exactly its listed permissions.

    Returns the listed permissions that do not exist (yet): a later migration may add them.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    missing: list[str] = []
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        perms = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is None:
                missing.append(dotted)
            else:
                perms.append(perm)
        group.permissions.set(perms)
    return missing


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    # post_migrate fires once per installed app that has models, in order, and each app's
    # permissions are created by its own signal; only after the last such app has every
    # permission been created. (An app without models, like the demo, gets no signal.)
    from django.apps import apps as global_apps

    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if sender is not with_models[-1]:
        return
    sync_roles()
