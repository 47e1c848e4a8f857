"""Images: the offline base image and the pinned agent images (images/<agent>/)."""

from runner.images._agents import (
    AgentImageError,
    BuiltImage,
    ImageStatus,
    agent_tag,
    build_agent_images,
    default_base_image,
    list_agent_images,
    read_lock,
    status_dict,
    version_in_image,
)
from runner.images._base import (
    BASE_TAG,
    BaseImage,
    BaseImageError,
    build_base_image,
    inspect_image,
)

__all__ = [
    "BASE_TAG",
    "AgentImageError",
    "BaseImage",
    "BaseImageError",
    "BuiltImage",
    "ImageStatus",
    "agent_tag",
    "build_agent_images",
    "build_base_image",
    "default_base_image",
    "inspect_image",
    "list_agent_images",
    "read_lock",
    "status_dict",
    "version_in_image",
]
