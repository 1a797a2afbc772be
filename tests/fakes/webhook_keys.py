"""The test webhook secret (OpenAI-style `whsec_` + base64 of 32 bytes): never a real one."""

import base64

SECRET_KEY_BYTES = b"reelroom-test-webhook-key-32byte"
SECRET = "whsec_" + base64.b64encode(SECRET_KEY_BYTES).decode()
