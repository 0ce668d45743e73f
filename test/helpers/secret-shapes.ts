// A corpus of secret shapes agents' actions carry, each as the action an agent would file (a Bash
// command, a file written, an MCP tool's input) and the secret values in it. The values are made
// here (a seeded generator, so every run has the same bytes) in each provider's published shape:
// none is a real credential. Used by the masking tests of every channel.

/** Deterministic characters from an alphabet (xorshift32). */
function maker(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string => {
    let out = '';
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out += alphabet[x % alphabet.length];
    }
    return out;
  };
}

const r = maker(0x5eed);
const HEX = '0123456789abcdef';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export interface SecretShape {
  name: string;
  tool: string;
  input: Record<string, unknown>;
  /** Every secret in the action: none may leave in clear. */
  secrets: string[];
}

const bash = (name: string, command: (s: string[]) => string, ...secrets: string[]): SecretShape => ({ name, tool: 'Bash', input: { command: command(secrets) }, secrets });
const write = (name: string, path: string, content: (s: string[]) => string, ...secrets: string[]): SecretShape => ({ name, tool: 'Write', input: { file_path: path, content: content(secrets) }, secrets });

const pemBody = Array.from({ length: 6 }, () => r(64, B64)).join('\n');

export const SECRET_SHAPES: SecretShape[] = [
  bash('AWS access key id', ([k]) => `aws configure set aws_access_key_id ${k}`, `AKIA${r(16, UPPER32)}`),
  bash('AWS secret access key (export)', ([k]) => `export AWS_SECRET_ACCESS_KEY=${k} && aws s3 ls`, r(40, B64)),
  bash('GitHub classic token', ([k]) => `gh auth login --with-token <<< ${k}`, `ghp_${r(36)}`),
  bash('GitHub fine-grained token', ([k]) => `GH_TOKEN=${k} gh repo list`, `github_pat_${r(82, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_')}`),
  bash('GitHub app token in a clone URL', ([k]) => `git clone https://x-access-token:${k}@github.com/acme/api.git`, `ghs_${r(36)}`),
  bash('GitLab token', ([k]) => `curl --header "PRIVATE-TOKEN: ${k}" https://gitlab.example.com/api/v4/projects`, `glpat-${r(20)}`),
  bash('Slack bot token', ([k]) => `python post.py --channel ops ${k}`, `xoxb-${r(12, '0123456789')}-${r(12, '0123456789')}-${r(24)}`),
  bash('Slack webhook URL', ([k]) => `curl -X POST -d '{"text":"hi"}' ${k}`, `https://hooks.slack.com/services/T${r(8, UPPER32)}/B${r(8, UPPER32)}/${r(24)}`),
  bash('Stripe live key', ([k]) => `stripe charges list --api-key ${k}`, `sk_live_${r(32)}`),
  bash('OpenAI key', ([k]) => `OPENAI_API_KEY=${k} python agent.py`, `sk-${r(20)}T3BlbkFJ${r(20)}`),
  bash('Anthropic key', ([k]) => `claude config set apiKey ${k}`, `sk-ant-api03-${r(93, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')}AA`),
  bash('Google API key', ([k]) => `curl "https://maps.googleapis.com/maps/api/geocode/json?address=x&key=${k}"`, `AIza${r(35)}`),
  bash('npm token', ([k]) => `npm config set //registry.npmjs.org/:_authToken ${k}`, `npm_${r(36)}`),
  bash('PyPI token', ([k]) => `twine upload -u __token__ -p ${k} dist/*`, `pypi-AgEIcHlwaS5vcmc${r(60)}`),
  bash('SendGrid key', ([k]) => `SENDGRID_KEY='${k}' node mail.js`, `SG.${r(22)}.${r(43)}`),
  bash('Twilio API key', ([k]) => `twilio api:core:messages:list --api-key ${k}`, `SK${r(32, HEX)}`),
  bash('Telegram bot token', ([k]) => `TELEGRAM_BOT_TOKEN=${k} node bot.js`, `${r(10, '0123456789')}:AA${r(33)}`),
  bash('DigitalOcean token', ([k]) => `doctl auth init -t ${k}`, `dop_v1_${r(64, HEX)}`),
  bash('Shopify token', ([k]) => `curl -H "X-Shopify-Access-Token: ${k}" https://shop.example.com/admin/api/orders.json`, `shpat_${r(32, HEX)}`),
  bash('Vault token', ([k]) => `VAULT_TOKEN=${k} vault kv get secret/db`, `hvs.${r(95)}`),
  bash('JWT in a header', ([k]) => `curl -H "Authorization: Bearer ${k}" https://api.example.com/me`, `eyJhbGciOiJIUzI1NiJ9.eyJ${r(40)}.${r(43)}`),
  bash('Bearer token in httpie', ([k]) => `http GET https://api.example.com/v1/items "Authorization: Bearer ${k}"`, r(40)),
  bash('Basic auth header', ([k]) => `wget --header="Authorization: Basic ${k}" https://intranet.example.com/report.csv`, `${r(30, B64)}==`),
  bash('curl -u user:password', ([k]) => `curl -u deploy:${k} https://ci.example.com/job/build`, r(18)),
  bash('X-API-Key header', ([k]) => `curl -H "X-API-Key: ${k}" https://api.example.com/v2/things`, r(32)),
  bash('PostgreSQL URL with a password', ([k]) => `psql "postgres://app:${k}@db.internal:5432/app" -c 'select 1'`, r(16)),
  bash('MongoDB SRV URL', ([k]) => `mongosh "mongodb+srv://admin:${k}@cluster0.example.net/test"`, r(20)),
  bash('Redis URL with only a password', ([k]) => `redis-cli -u redis://:${k}@cache.internal:6379 ping`, r(24)),
  bash('--password flag', ([k]) => `helm repo add acme https://charts.example.com --username ci --password ${k}`, r(20)),
  bash('kubectl secret from a literal', ([k]) => `kubectl create secret generic db --from-literal=password=${k}`, r(18)),
  bash('Azure storage connection string', ([k]) => `az storage blob list --connection-string "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${k};EndpointSuffix=core.windows.net"`, `${r(86, B64)}==`),
  bash('MySQL password in an env var', ([k]) => `MYSQL_PWD=${k} mysql -u root -e 'show databases'`, r(16)),
  write('.env file', '/home/alice/webapp/.env', ([a, b, c]) => `NODE_ENV=production\nDATABASE_PASSWORD=${a}\nSTRIPE_SECRET_KEY=${b}\nSESSION_SECRET=${c}\nPORT=3000\n`, r(20), `sk_live_${r(32)}`, r(48, HEX)),
  write('RSA private key', '/home/alice/.ssh/deploy_key', () => `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----\n`, pemBody.split('\n')[0], pemBody.split('\n')[5]),
  write('YAML config with a password', '/home/alice/webapp/config/db.yml', ([k]) => `production:\n  adapter: postgresql\n  host: db.internal\n  password: ${k}\n`, r(22)),
  { name: 'MCP tool input with an API key', tool: 'mcp__billing__create_invoice', input: { customer: 'acme', api_key: '', amount: 1200 }, secrets: [] },
];

// The MCP shape's key, filled in here so the generator's order above stays stable.
const mcp = SECRET_SHAPES[SECRET_SHAPES.length - 1];
mcp.secrets.push(r(32));
mcp.input.api_key = mcp.secrets[0];
