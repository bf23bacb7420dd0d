# The original design, reduced to its ingest path, for the single-point benchmark: Flask's
# development server, points appended to a deque(maxlen=1023) under a lock, as in the Python
# original's oscilloscope.py. Run with Debian's python3-flask:
#   /usr/bin/python3 tools/bench/flask_original.py PORT
import sys
import threading
from collections import deque

from flask import Flask, jsonify, request

app = Flask(__name__)
data = deque(maxlen=1023)
lock = threading.Lock()
counter = 0


@app.route("/data", methods=["POST"])
def receive_data():
    global counter
    try:
        body = request.get_json(force=True)
        x = float(body["x"])
        y = float(body["y"])
    except (KeyError, TypeError, ValueError):
        return jsonify({"status": "error", "message": "Invalid data format."}), 400
    with lock:
        seq = counter
        counter += 1
        data.append((seq, x, y))
    return jsonify({"status": "success"}), 200


if __name__ == "__main__":
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
