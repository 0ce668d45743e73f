// greenlight/client: the HTTP client and the agent-framework helpers.
export { createClient, readAnswer, type AskOptions, type AskResult, type ClientOptions, type GreenlightClient, type WaitOptions } from './client.js';
export { machineHostname } from './machine.js';
export { GreenlightApiError, GreenlightNetworkError, isGreenlightApiError } from './errors.js';
export { approvedCommand, describeOutcome, type Outcome } from './outcome.js';
export { openaiAgentsApprovals, type OpenAIAgentsApprovalOptions } from './openai-agents.js';
export { ApprovalDeniedError, toolApproval, type ToolApprovalOptions } from './ai-sdk.js';
export type { CreateRequestInput, DecideInput, Page, WireDecision, WireRequest } from './types.js';
