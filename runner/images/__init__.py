"""Images: the offline base image and (later) the pinned agent and runtime images."""

from runner.images._base import (
    BASE_TAG,
    BaseImage,
    BaseImageError,
    build_base_image,
    inspect_image,
)

__all__ = ["BASE_TAG", "BaseImage", "BaseImageError", "build_base_image", "inspect_image"]
