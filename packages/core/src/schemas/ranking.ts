import { z } from "zod";

/** Metrics employees can be ranked by (`GET /analytics/top-performers?metric=`). */
export const employeeRankingMetricSchema = z.enum(["productivity_index", "roi", "revenue_generated"]);
/** Metrics projects can be ranked by (`GET /analytics/top-projects?metric=`). */
export const projectRankingMetricSchema = z.enum(["roi", "profit", "productivity_index"]);
/** How many entries a ranking may ask for. */
export const rankingLimitSchema = z.number().int().min(1).max(100);
