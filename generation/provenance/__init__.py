"""Content Credentials (C2PA): who signs (keys), reading and signing MP4 files (manifests)."""
