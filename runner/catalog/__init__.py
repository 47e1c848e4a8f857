"""Catalogs: host models (models.toml), agents (images/*/agent.toml), tasks (tasks/*/task.toml)."""

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
    "load_agents",
    "load_catalog",
    "load_models",
    "load_tasks",
    "parse_file",
    "task_digest",
]
