import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrammyError, HttpError } from 'grammy';
import { isNotModified, startupProblem, toDeliveryError } from './api.js';
import { secretsMatch } from './routes.js';

const grammyError = (error_code: number, description: string, parameters = {}) => new GrammyError('Call failed', { ok: false, error_code, description, parameters }, 'sendMessage', {});

describe('Bot API errors → delivery', () => {
  it('waits retry_after on 429', () => {
    const d = toDeliveryError(grammyError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }), 'send');
    assert.equal(d.retryAfterMs, 7000);
    assert.equal(d.permanent, false);
  });

  it('gives up on 400 and 403, retries 401, 5xx and network failures', () => {
    assert.equal(toDeliveryError(grammyError(400, 'Bad Request: chat not found'), 'send').permanent, true);
    assert.equal(toDeliveryError(grammyError(403, 'Forbidden: bot was blocked by the user'), 'send').permanent, true);
    assert.equal(toDeliveryError(grammyError(401, 'Unauthorized'), 'send').permanent, false);
    assert.equal(toDeliveryError(grammyError(502, 'Bad Gateway'), 'send').permanent, false);
    const net = toDeliveryError(new HttpError('Network request failed', new Error('ECONNRESET')), 'send');
    assert.equal(net.permanent, false);
    assert.match(net.message, /ECONNRESET/);
  });

  it('treats "message is not modified" as done', () => {
    assert.equal(isNotModified(grammyError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same')), true);
    assert.equal(isNotModified(grammyError(400, 'Bad Request: chat not found')), false);
  });

  it('phrases startup failures for the operator', () => {
    assert.equal(startupProblem(grammyError(401, 'Unauthorized'), 'x').fatal, true);
    const net = startupProblem(new HttpError('x', new Error('ENOTFOUND api.telegram.org')), 'https://api.telegram.org');
    assert.equal(net.fatal, false);
    assert.match(net.message, /Cannot reach the Telegram Bot API at https:\/\/api\.telegram\.org \(ENOTFOUND/);
  });
});

describe('webhook secret', () => {
  it('matches only the exact secret', () => {
    assert.equal(secretsMatch('s3cret-token-0123456789', 's3cret-token-0123456789'), true);
    assert.equal(secretsMatch('s3cret-token-012345678', 's3cret-token-0123456789'), false);
    assert.equal(secretsMatch('', 's3cret-token-0123456789'), false);
  });
});
