"""Catalogs: host models (models.toml), agents (images/*/agent.toml), tasks (tasks/*/task.toml)."""

from runner.catalog._calibration import CALIBRATION_MODELS, is_calibration
from runner.catalog._load import (
    Catalog,
    CatalogError,
    find_root,
    load_agents,
    load_catalog,
    load_models,
    load_tasks,
    parse_file,
    task_digest,
)
from runner.catalog._models import (
    AgentSpec,
    ApiRoute,
    Column,
    FailureClass,
    HostModel,
    ModelCatalog,
    ModelStatus,
    TaskSpec,
)

__all__ = [
    "CALIBRATION_MODELS",
    "AgentSpec",
    "ApiRoute",
    "Catalog",
    "CatalogError",
    "Column",
    "FailureClass",
    "HostModel",
    "ModelCatalog",
    "ModelStatus",
    "TaskSpec",
    "find_root",
    "is_calibration",
    "load_agents",
    "load_catalog",
    "load_models",
    "load_tasks",
    "parse_file",
    "task_digest",
]
