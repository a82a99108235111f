package config

// Starter is what `corslint init` writes: every key, explained, with safe
// defaults left active and examples commented out.
const Starter = `# corslint configuration. Found in the working directory or a parent, up to
# the repository root; --config names another file. Unknown keys are errors.
# Relative paths below are relative to this file.

# Origins your configuration may allow. When set, any other origin it allows
# is reported (CORS106 untrusted-origin).
trusted-origins: []
#  - https://app.example.com

# Per-rule level, by ID or slug: off, error, warning or note.
rules: {}
#  CORS306: off
#  missing-always: note

# Paths not linted: "*" stays within a directory, "**" crosses directories,
# a name without "/" matches in any directory.
exclude: []
#  - vendor/**
#  - "*.tmpl"

# Lowest severity that makes corslint exit 1: error, warning, note or none.
fail-on: warning

# Where relative includes resolve, like nginx -p and httpd's ServerRoot.
# nginx-prefix: deploy/nginx
# apache-root: deploy/apache

# Requests your frontend makes; each one a browser would block is reported.
# methods default to [GET], paths to [/].
# clients:
#   - origin: https://app.example.com
#     methods: [GET, PUT]
#     headers: [Authorization, "Content-Type: application/json"]
#     credentials: true
#     paths: [/api/items]

# Files that form one request path, outermost layer first (edge to origin):
# configurations, a Worker's script, the application's file behind a proxy.
# stack:
#   - nginx/**
#   - app/server.js
`
