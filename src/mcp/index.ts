// The MCP adapter: the server factory, its HTTP route group, and the OpenAI tool definitions.
export { createMcpServer, type McpClient, type McpServerOptions } from './server.js';
export { mcpRouteGroup } from './http.js';
export { openaiToolsRouteGroup, OPENAI_TOOLS } from './openai-tools.js';
export { executeApprovedFrom, type ExecuteApprovedConfig } from './config.js';
