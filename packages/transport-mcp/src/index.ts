export { toPublicToolMessage, toToolError } from './errors.js';
export { createMcpServer, type LegacyBridgeMcpOptions, TRANSPORT_MCP_VERSION } from './mcp-server.js';
export {
  describeTableOutput,
  explainQueryOutput,
  findJoinPathOutput,
  listTablesOutput,
  runQueryOutput,
  searchSchemaOutput,
} from './output-schemas.js';
export { EXPLORE_PROMPT_NAME, explorePrompt } from './prompts.js';
export {
  renderCell,
  renderForeignKey,
  renderInferred,
  renderJoinPath,
  renderQueryPlan,
  renderQueryResult,
  renderSearchResults,
  renderTableDetail,
  renderTableList,
  renderTableName,
} from './render.js';
export { completeTableNames, TABLE_RESOURCE_TEMPLATE, TABLES_RESOURCE_URI } from './resources.js';
export { type JoinPathContent, joinPathContent, queryResultContent } from './structured.js';
export { TOOL_NAMES, type ToolName } from './tools.js';
