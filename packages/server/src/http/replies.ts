import type { PageResult } from "@epca/core";
import type { Request } from "express";
import type { Reply } from "./route-table.js";

/** Where the API lives under the router's mount point. */
export const API_BASE_PATH = "/api/v1";

/** 200 with the body. */
export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** 200 with one page as a plain array and the total in `X-Total-Count`. */
export function page<T>(result: PageResult<T>): Reply {
  return { status: 200, body: result.items, headers: { "X-Total-Count": String(result.total) } };
}

/** 201 with the created record and its `Location` (`<collection path>/<id>`). */
export function created(req: Request, collection: string, record: { id: number | string }): Reply {
  return { status: 201, body: record, headers: { Location: `${req.baseUrl}${API_BASE_PATH}${collection}/${record.id}` } };
}
