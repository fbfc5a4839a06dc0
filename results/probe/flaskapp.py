import sys
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
origins = ["https://app.example.com", "https://admin.example.com"] if sys.argv[2] == "good" else [r"https://.*app\.example\.com.*", r"https://admin\.example\.com"]
CORS(app, origins=origins, methods=["GET", "HEAD", "POST", "PUT", "PATCH"], allow_headers=["x-request-id", "content-type"], supports_credentials=True, max_age=600)
@app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def ok(path): return "ok"
app.run(port=int(sys.argv[1]), threaded=True)
