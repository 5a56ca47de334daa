"""codebuild-project-hardened: build projects run unprivileged and hold no credentials in clear.

Why: a build project turns source into the artefacts that run in the
perimeter, with the project role's permissions. Three settings hand that
power to whoever can change a build or read its configuration:
- `environment.privileged_mode=true` gives builds root on the Docker host
  (PCI DSS 2.2.1, 7.2.1; AWS Config CODEBUILD_PROJECT_ENVIRONMENT_PRIVILEGED_CHECK);
- an environment variable named `AWS_ACCESS_KEY_ID` or `AWS_SECRET_ACCESS_KEY`
  of type PLAINTEXT (the default) stores long-lived keys in the project
  (PCI DSS 8.6.2; CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK); use the project role,
  or type SECRETS_MANAGER / PARAMETER_STORE;
- a source `location` URL with user information (`https://user:token@...`)
  stores a repository credential in clear (PCI DSS 8.6.2;
  CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK).
Values unknown at preview are deferred.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, settle

PROJECT = "aws:codebuild/project:Project"
AWS_KEY_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
PLAINTEXT = "PLAINTEXT"
URL_WITH_USERINFO = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s]+@", re.IGNORECASE)


def check(project: ResourceView, config):
    problems, unknowns = [], []
    privileged = project.get("environment", "privilegedMode")
    if is_unknown(privileged):
        unknowns.append("environment.privilegedMode")
    elif privileged is True:
        problems.append("environment.privilegedMode is true: builds get root on the Docker host")
    variables = as_list(project.get("environment", "environmentVariables"))
    if is_unknown(variables):
        unknowns.append("environment.environmentVariables")
    else:
        for index, variable in enumerate(variables):
            if not isinstance(variable, Mapping) or variable.get("name") not in AWS_KEY_VARIABLES:
                continue
            kind = variable.get("type")
            if is_unknown(kind):
                unknowns.append(f"environment.environmentVariables[{index}].type")
            elif kind in (None, PLAINTEXT):
                problems.append(f"environment.environmentVariables[{index}] holds {variable['name']} in plain text")
    location = project.get("source", "location")
    if is_unknown(location):
        unknowns.append("source.location")
    elif isinstance(location, str) and URL_WITH_USERINFO.match(location.strip()):
        problems.append("source.location embeds credentials in the repository URL")
    yield from settle(problems, unknowns, subject=describe(project))


RULE = Rule(
    name="codebuild-project-hardened",
    description=("CodeBuild projects are not privileged and keep no AWS keys or repository credentials in plain "
                 "text."),
    severity="high",
    pci_dss=("2.2.1", "7.2.1", "8.6.2"),
    soc2=("CC6.1", "CC8.1"),
    remediation=("Set environment.privileged_mode=False (use a rootless image builder), give the project a service "
                 "role instead of AWS keys (or reference them with type SECRETS_MANAGER / PARAMETER_STORE), and "
                 "connect the source with a CodeConnections connection or source_credential, not a URL with a token."),
    check=check,
    resource_types=(PROJECT,),
    violation_example=('aws.codebuild.Project("build", environment={"privileged_mode": True, ...}, '
                       'source={"type": "GITHUB", "location": "https://user:token@github.com/org/app.git"}, ...)'),
)
