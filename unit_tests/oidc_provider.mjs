// A real OpenID Connect provider (npm oidc-provider) on a free loopback port, for the sign-in tests.
// Reads its clients and accounts (and "logout": false for a provider without sign-out) as JSON on stdin; prints {"issuer": …} on one line once listening.
// Who signs in at the next login prompt is set by POST /__test/next-login {"account": id} or
// {"error": "access_denied"}, as tests run one at a time; consent is always given.
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import Provider from 'oidc-provider'

const input = JSON.parse(await new Promise((resolve) => {
  let text = ''
  process.stdin.on('data', (chunk) => { text += chunk })
  process.stdin.on('end', () => resolve(text))
}))

function signingKey (kid, type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options)
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
}

const keys = [
  signingKey('rsa-1', 'rsa', { modulusLength: 2048 }, 'RS256'),
  signingKey('ec-1', 'ec', { namedCurve: 'P-256' }, 'ES256')
]
let nextLogin = { account: Object.keys(input.accounts)[0] }
let lastRequest = {}

const server = createServer()
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`
  const provider = new Provider(issuer, {
    clients: input.clients,
    jwks: { keys },
    cookies: { keys: ['redress-test-cookie-key'] },
    // RP-initiated logout: /session/end asks "Do you want to sign out?" when it has a session for
    // the browser, then returns to the client's registered post_logout_redirect_uri with its state.
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: input.logout !== false } },
    conformIdTokenClaims: false, // email and groups in the ID token as well as userinfo
    scopes: ['openid', 'email', 'profile', 'groups'],
    // GOV.UK One Login's vectors of trust: asked for in `vtr`, answered in the ID token's `vot`.
    extraParams: ['vtr'],
    claims: {
      openid: ['sub', 'vot'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      groups: ['groups']
    },
    async findAccount (ctx, id) {
      const claims = input.accounts[id]
      if (!claims) return undefined
      const vot = nextLogin.vot
      return { accountId: id, async claims () { return { sub: id, ...claims, ...(vot ? { vot } : {}) } } }
    },
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256', 'PS256'] }
  })
  provider.proxy = false

  provider.use(async (ctx, next) => {
    if (ctx.path === '/__test/next-login' && ctx.method === 'POST') {
      let body = ''
      for await (const chunk of ctx.req) body += chunk
      nextLogin = JSON.parse(body)
      ctx.status = 204
      return
    }
    if (ctx.path === '/__test/last-request' && ctx.method === 'GET') {
      ctx.body = lastRequest
      return
    }
    if (!ctx.path.startsWith('/interaction/')) return next()
    const details = await provider.interactionDetails(ctx.req, ctx.res)
    lastRequest = details.params
    let result
    if (nextLogin.error) {
      result = { error: nextLogin.error, error_description: 'The test provider refused.' }
    } else if (details.prompt.name === 'login') {
      result = { login: { accountId: nextLogin.account } }
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id })
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '))
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims)
      result = { consent: { grantId: await grant.save() } }
    }
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }))
  })

  server.on('request', provider.callback())
  process.stdout.write(JSON.stringify({ issuer }) + '\n')
})
