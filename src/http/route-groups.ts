// Route groups beyond the native API: compat dialects and docs. Each feature adds itself here.
import type { RouteGroup } from './app.js';
import { chockRoutes } from './compat/chock.js';
import { ok2runRoutes } from './compat/ok2run.js';
import { mcpRouteGroup } from '../mcp/http.js';
import { openaiToolsRouteGroup } from '../mcp/openai-tools.js';
import { hooksRouteGroup } from '../hooks/routes.js';
import { awayRoutes } from '../workflows/away-routes.js';
import { receiptRoutes } from '../receipts/routes.js';
import { auditExportRoutes } from '../audit/routes.js';

export function extraRouteGroups(): RouteGroup[] {
  return [ok2runRoutes(), chockRoutes(), mcpRouteGroup(), openaiToolsRouteGroup(), hooksRouteGroup(), awayRoutes(), receiptRoutes(), auditExportRoutes()];
}
