"""Images: the offline base image, and building runtime (and agent) images from their folders."""

from runner.images._base import (
    BASE_TAG,
    BaseImage,
    BaseImageError,
    build_base_image,
    inspect_image,
)
from runner.images._build import (
    BuiltImage,
    ImageBuildError,
    build_image,
    build_runtime,
    folder_hash,
    image_tag,
    probe_versions,
    record_image,
    runtime_dirs,
    runtime_tag,
)

__all__ = [
    "BASE_TAG",
    "BaseImage",
    "BaseImageError",
    "BuiltImage",
    "ImageBuildError",
    "build_base_image",
    "build_image",
    "build_runtime",
    "folder_hash",
    "image_tag",
    "inspect_image",
    "probe_versions",
    "record_image",
    "runtime_dirs",
    "runtime_tag",
]
