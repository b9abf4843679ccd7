"""A few calls of Graft's HTTP API, as a user's script makes them (standard library only)."""
import json
import time
import urllib.request
import uuid


def call(url, method="GET", body=None, content_type="application/json"):
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def post_json(api, path, value):
    return call(f"{api}{path}", "POST", json.dumps(value).encode())


def upload(api, fields, filename, content_type, data):
    """POST /v1/datasets: the form fields, then the file."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return call(f"{api}/v1/datasets", "POST", b"".join(parts), f"multipart/form-data; boundary={boundary}")


def fine_tune(api, base, dataset, seed):
    """Creates a job with the defaults and waits for it; returns the job and its wall time."""
    started = time.time()
    job = post_json(api, "/v1/fine_tuning/jobs", {"base_model": base, "dataset": dataset, "seed": seed})
    while job["status"] not in ("succeeded", "failed", "cancelled"):
        time.sleep(2)
        job = call(f"{api}/v1/fine_tuning/jobs/{job['id']}")
    if job["status"] != "succeeded":
        raise RuntimeError(f"{base}: job {job['id']} {job['status']}: {job.get('error')}")
    return job, time.time() - started


def predict(api, model, instances):
    """The predicted label of each instance, 64 per request (the API's limit)."""
    labels = []
    for start in range(0, len(instances), 64):
        answer = post_json(api, f"/v1/models/{model}:predict", {"instances": instances[start:start + 64]})
        labels += [p["label"] for p in answer["predictions"]]
    return labels


def write_results(out, task, runs, markdown):
    """{out}.json with every run, {out minus .json}.md with the table markdown(runs) makes."""
    with open(out, "w") as f:
        json.dump({"task": task, "runs": runs}, f, indent=1)
    with open(out[:-len(".json")] + ".md", "w") as f:
        f.write(markdown(runs))


def table(names, runs, cell):
    """Markdown rows: one per run (seed, then cell(run, name) per name), then the mean accuracy per name."""
    lines = [f"| {run['seed']} | " + " | ".join(cell(run, n) for n in names) + " |" for run in runs]
    means = [sum(r["bases"][n]["accuracy"] for r in runs) / len(runs) for n in names]
    return lines + ["| mean | " + " | ".join(f"{m:.3f}" for m in means) + " |"]
