"""API emulations served by the local server, over recorded real records."""

from __future__ import annotations

import copy
from typing import Any

from tests.harvesters.server import Answer, Request, fixture_json, json_answer


def recorded_ckan_datasets() -> list[dict[str, Any]]:
    """Real CKAN/DKAN dataset dicts recorded in tests/harvesters/fixtures/ckan."""
    datasets = [
        fixture_json("ckan", "ckanext-dcat--full_ckan_dataset_legacy.json"),
        fixture_json("ckan", "ckanext-dcat--health_dcat_ap.json")[0],
        fixture_json("ckan", "dkan-french-w-license.json")["result"][0],
        fixture_json("ckan", "ckanext-dcat--ckan_full_dataset_croissant.json"),
        fixture_json("ckan", "ckanext-dcat--ckan_dataset.json"),
    ]
    for position, dataset in enumerate(datasets):
        dataset.setdefault("name", f"dataset-{position}")
        dataset.setdefault("metadata_modified", "2024-01-0%dT10:00:00" % (position + 1))
    return datasets


class FakeCkan:
    """``package_search`` (q ignored, fq on organization/tags, start, rows,
    fl, sort by id) and ``package_show`` over a list of dataset dicts."""

    def __init__(self, datasets: list[dict[str, Any]], honour_fl: bool = True):
        self.datasets = copy.deepcopy(datasets)
        self.honour_fl = honour_fl
        self.shows = 0

    def mount(self, server, base: str = "/ckan") -> str:
        server.add(base + "/api/3/action/package_search", self.package_search)
        server.add(base + "/api/3/action/package_show", self.package_show)
        return server.url(base)

    def _selected(self, fq: str) -> list[dict[str, Any]]:
        selected = sorted(self.datasets, key=lambda d: d["id"])
        if "organization:(" in fq:
            wanted = fq.split("organization:(", 1)[1].split(")", 1)[0]
            names = {part.strip().strip('"') for part in wanted.split(" OR ")}
            selected = [d for d in selected if (d.get("organization") or {}).get("name") in names]
        return selected

    def package_search(self, request: Request) -> Answer:
        selected = self._selected(request.arg("fq", ""))
        start = int(request.arg("start", "0"))
        rows = int(request.arg("rows", "10"))
        page = selected[start : start + rows]
        fields = request.query.get("fl")
        if fields and self.honour_fl:
            page = [{key: d.get(key) for key in fields} for d in page]
        return json_answer({"success": True, "result": {"count": len(selected), "results": page}})

    def package_show(self, request: Request) -> Answer:
        self.shows += 1
        for dataset in self.datasets:
            if dataset["id"] == request.arg("id"):
                return json_answer({"success": True, "result": dataset})
        return json_answer({"success": False, "error": {"message": "Not found"}}, status=404)
