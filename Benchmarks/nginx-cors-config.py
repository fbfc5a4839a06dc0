#!/usr/bin/env python3
"""Writes an nginx configuration that answers CORS as a policy file says.

Usage: nginx-cors-config.py POLICY.json PORT WORKERS DIR > DIR/nginx.conf

The usual recipe, done right: a `map $http_origin` echoes an allowed Origin
(exact origins as hash entries, `*.` wildcards and `:*` ports as anchored
regexes), a preflight gets the policy's methods, headers, credentials and
Max-Age with `Vary: Origin`, any other request a small 200 with the same
origin headers. Used by Benchmarks/serve-vs-nginx.sh.
"""
import json
import re
import sys

policy_path, port, workers, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
policy = json.load(open(policy_path))


def entry(pattern):
    if pattern == "*":
        return '"~." "*";'
    scheme, rest = pattern.split("://", 1)
    host, port_rule = rest, None
    if not rest.startswith("[") and rest.count(":") == 1:
        host, port_rule = rest.split(":")
    if not host.startswith("*.") and port_rule != "*":
        return f'"{pattern}" $http_origin;'
    host_re = r"([a-z0-9-]+\.)+" + re.escape(host[2:]) if host.startswith("*.") else re.escape(host)
    port_re = "(:[0-9]+)?" if port_rule == "*" else (f":{port_rule}" if port_rule else "")
    return f'"~^{re.escape(scheme)}://{host_re}{port_re}$" $http_origin;'


origins = "\n        ".join(entry(p) for p in policy["origins"])
methods = ", ".join(policy.get("methods", [])) or "GET, HEAD, POST"
headers = ", ".join(policy.get("requestHeaders", []))
credentials = "add_header Access-Control-Allow-Credentials true always;" if policy.get("credentials") else ""
max_age = f"add_header Access-Control-Max-Age {policy['maxAge']} always;" if policy.get("maxAge") is not None else ""
allow_headers = f'add_header Access-Control-Allow-Headers "{headers}" always;' if headers else ""
print(f"""worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {folder}; proxy_temp_path {folder}; fastcgi_temp_path {folder}; uwsgi_temp_path {folder}; scgi_temp_path {folder};
    map_hash_max_size 65536;
    map_hash_bucket_size 256;
    map $http_origin $cors_origin {{
        default "";
        {origins}
    }}
    server {{
        listen 127.0.0.1:{port} reuseport;
        location / {{
            if ($request_method = OPTIONS) {{
                add_header Access-Control-Allow-Origin $cors_origin always;
                {credentials}
                add_header Access-Control-Allow-Methods "{methods}" always;
                {allow_headers}
                {max_age}
                add_header Vary Origin always;
                return 204;
            }}
            add_header Access-Control-Allow-Origin $cors_origin always;
            {credentials}
            add_header Vary Origin always;
            return 200 "ok\\n";
        }}
    }}
}}""")
