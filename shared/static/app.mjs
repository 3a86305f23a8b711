// Redress: start GOV.UK Frontend components, and start them again in content
// that htmx swaps into the page. Loaded as <script type="module">, so browsers
// too old for GOV.UK Frontend's JavaScript skip it and the page works without.
import {
  Accordion,
  Button,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  ExitThisPage,
  FileUpload,
  NotificationBanner,
  PasswordInput,
  Radios,
  ServiceNavigation,
  SkipLink,
  Tabs,
  createAll,
  initAll,
  isSupported
} from './govuk-frontend.min.js?v=03560aaedbb4'
// frontend/js/timeout.mjs, written in here by frontend/build.mjs
// The timeout warning (WCAG 2.2.1 Timing adjustable), after HMRC's timeout dialog. The server says on
// each page how many seconds its session has left (data-expires-in on the <dialog>, rendered by
// shared/templates/shared/_session_timeout.html). Before warning, and again before giving up, this
// asks the server (another tab may have kept the session going); those questions are background
// requests, which do not extend it. "Stay signed in" (or Escape) posts to the keep-alive route.
// When the time has run out, a form with something typed in it is sent, so the server keeps what it
// says for after signing in again; otherwise the page is asked for again, and the server shows
// "You were signed out".

const BACKGROUND = { 'X-Redress-Background': '1' }

/** @param {HTMLDialogElement} dialog */
function startTimeoutWarning (dialog) {
  const warnBefore = Number(dialog.dataset.warnBefore) * 1000
  const countdown = dialog.querySelector('[data-countdown]')
  const said = dialog.querySelector('[data-said]')
  const stay = dialog.querySelector('[data-stay]')
  const csrf = dialog.querySelector('input[name="csrf_token"]')
  const locale = dialog.dataset.locale || document.documentElement.lang
  const minutes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' })
  const seconds = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'long' })
  let deadline = Date.now() + Number(dialog.dataset.expiresIn) * 1000
  let timer = 0
  let ticker = 0
  let lastSaid = ''
  let returnFocus = null

  // Whole minutes down to the last one, then seconds (as GOV.UK and HMRC count).
  const timeLeft = (ms) => {
    const secs = Math.max(0, Math.ceil(ms / 1000))
    return secs >= 60 ? minutes.format(Math.ceil(secs / 60)) : seconds.format(secs)
  }
  const sentence = (ms) => dialog.dataset.textCountdown.replace('{time}', timeLeft(ms))
  // Screen readers hear the time when the dialog opens, when the minutes change, and at 30 and 10
  // seconds: never every second.
  const spoken = (ms) => {
    const secs = Math.max(0, Math.ceil(ms / 1000))
    const said = secs > 60 ? Math.ceil(secs / 60) * 60 : secs > 30 ? 60 : secs > 10 ? 30 : 10
    return sentence(said * 1000)
  }

  const ask = async (url, init) => {
    const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init })
    if (!response.ok) throw new Error(`${url}: ${response.status}`)
    return response.json()
  }
  const status = () => ask(dialog.dataset.statusUrl, { headers: BACKGROUND })
  const keepAlive = () => ask(dialog.dataset.keepAliveUrl, {
    method: 'POST',
    headers: { ...BACKGROUND, 'X-CSRFToken': csrf ? csrf.value : '' }
  })

  const schedule = () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(beforeWarning, Math.max(0, deadline - warnBefore - Date.now()))
  }

  const close = () => {
    window.clearInterval(ticker)
    if (dialog.open) dialog.close()
    if (returnFocus instanceof HTMLElement && document.contains(returnFocus)) returnFocus.focus()
    returnFocus = null
  }

  const tick = () => {
    const left = deadline - Date.now()
    countdown.textContent = sentence(left)
    const words = spoken(left)
    if (words !== lastSaid) {
      said.textContent = words
      lastSaid = words
    }
    if (left <= 0) {
      window.clearInterval(ticker)
      timeUp()
    }
  }

  const open = () => {
    if (!dialog.open) {
      returnFocus = document.activeElement
      lastSaid = ''
      said.textContent = ''
      dialog.showModal()
      stay.focus()
    }
    tick()
    window.clearInterval(ticker)
    ticker = window.setInterval(tick, 1000)
  }

  // The server's word on the time left: reschedule if another tab (or a page) extended the session.
  const carryOn = (answer) => {
    deadline = Date.now() + answer.expires_in * 1000
    if (deadline - Date.now() > warnBefore) {
      close()
      schedule()
      return true
    }
    return false
  }

  async function beforeWarning () {
    try {
      const answer = await status()
      if (!answer.signed_in) return signedOut()
      if (carryOn(answer)) return
    } catch (error) {
      console.log(error)
    }
    open()
  }

  async function timeUp () {
    try {
      const answer = await status()
      if (answer.signed_in && answer.expires_in > 0) {
        if (!carryOn(answer)) open()
        return
      }
    } catch (error) {
      console.log(error) // the server will decide when the page is asked for again
    }
    signedOut()
  }

  function signedOut () {
    close()
    const form = document.querySelector('form[method="post" i][data-typed-in]')
    if (form instanceof HTMLFormElement) {
      for (const input of form.querySelectorAll('input[type="file"]')) input.value = ''
      HTMLFormElement.prototype.submit.call(form) // past htmx and the page's checks: the server only keeps it
    } else {
      window.location.assign(window.location.href)
    }
  }

  stay.addEventListener('click', async () => {
    try {
      const answer = await keepAlive()
      if (!answer.signed_in) return signedOut()
      deadline = Date.now() + answer.expires_in * 1000
      close()
      schedule()
    } catch (error) {
      console.log(error)
    }
  })

  // Escape means "stay signed in", not "close and be signed out unawares".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay.click()
  })

  // Remember which form has been typed into, to keep its words if the time runs out.
  document.addEventListener('input', (event) => {
    const form = event.target instanceof Element ? event.target.closest('form') : null
    if (form && !dialog.contains(form)) form.setAttribute('data-typed-in', '')
  })

  // Timers in a hidden tab run late or not at all: check again when it is shown.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !dialog.open && Date.now() >= deadline - warnBefore) beforeWarning()
  })

  // Pages the person asks for through htmx extend the session too: follow the server's count.
  document.addEventListener('htmx:afterRequest', (event) => {
    const header = event.detail?.xhr?.getResponseHeader('X-Redress-Session-Expires-In')
    if (header !== null && header !== undefined && header !== '' && !dialog.open) {
      deadline = Date.now() + Number(header) * 1000
      schedule()
    }
  })

  schedule()
}


const components = [
  Accordion,
  Button,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  ExitThisPage,
  FileUpload,
  NotificationBanner,
  PasswordInput,
  Radios,
  ServiceNavigation,
  SkipLink,
  Tabs
]

initAll()

/**
 * Start the components in (and on) an element htmx has just put in the page.
 * `createAll(Component, config, { scope })` only looks inside the scope, so the
 * swapped element itself (an `outerHTML` swap of a component) is handled here
 * too. Elements already started carry `data-<module>-init` and are skipped, so
 * running this more than once on the same content is harmless.
 * @param {Element} root
 */
function initWithin (root) {
  if (!(root instanceof HTMLElement) || !isSupported()) return
  for (const Component of components) {
    const name = Component.moduleName
    if (root.matches(`[data-module="${name}"]:not([data-${name}-init])`)) {
      try {
        new Component(root) // eslint-disable-line no-new
      } catch (error) {
        console.log(error)
      }
    }
    if (root.querySelector(`[data-module="${name}"]:not([data-${name}-init])`)) {
      createAll(Component, undefined, {
        scope: root,
        onError (error, context) {
          // Elements started earlier in this scope are not an error
          if (!context.element?.hasAttribute(`data-${name}-init`)) console.log(error)
        }
      })
    }
  }
}

if (window.htmx) {
  // htmx:load fires on every element htmx adds to the page (whatever the swap
  // style), after the swap has settled. htmx:afterSwap covers the swap target.
  document.addEventListener('htmx:load', (event) => initWithin(event.target))
  document.addEventListener('htmx:afterSwap', (event) => initWithin(event.detail?.target))
}

if (window.htmx) {
  // A form htmx posted that was refused (400: something typed is wrong; 409: the case rules
  // said no) comes back as its section with the error summary and what was typed: show it in
  // place, as the whole page would be shown again without JavaScript. GOV.UK's ErrorSummary
  // moves focus to itself when it starts.
  document.addEventListener('htmx:beforeSwap', (event) => {
    const status = event.detail.xhr.status
    if ((status === 400 || status === 409) && event.detail.requestConfig?.verb === 'post') {
      event.detail.shouldSwap = true
      event.detail.isError = false
    }
  })

  // A section that refreshes itself (data-refresh-while-idle) is a background request: the server
  // does not count it as the person doing something, so it never keeps a session alive.
  document.addEventListener('htmx:configRequest', (event) => {
    const element = event.detail.elt
    if (element instanceof HTMLElement && element.hasAttribute('data-refresh-while-idle') && event.detail.verb === 'get') {
      event.detail.headers['X-Redress-Background'] = '1'
    }
  })

  // A section that refreshes itself (data-refresh-while-idle) waits while the tab is hidden or
  // while someone is using it (focus inside, a box ticked), so nothing they chose is lost.
  document.addEventListener('htmx:beforeRequest', (event) => {
    const element = event.detail.elt
    if (!(element instanceof HTMLElement) || !element.hasAttribute('data-refresh-while-idle')) return
    if (document.hidden || element.contains(document.activeElement) || element.querySelector('input:checked')) {
      event.preventDefault()
    }
  })

  // After a section comes back, move focus where the server said: the new note or message.
  document.addEventListener('htmx:load', (event) => {
    const root = event.target
    if (!(root instanceof HTMLElement)) return
    const selector = root.getAttribute('data-focus-after-swap')
    const target = selector ? root.querySelector(selector) : null
    if (target instanceof HTMLElement) {
      target.setAttribute('tabindex', '-1')
      target.focus()
    }
  })
}

if (window.htmx) {
  // Inline checks (portal/templates/portal/feedback/_checked.html): a group marked
  // data-inline-validate is checked when focus leaves it after something in it changed, so a
  // date is checked once all three boxes are done and nobody gets an error for a box they only
  // passed through. (A filter in hx-trigger would do this, but filters need eval, which the CSP
  // and the htmx config forbid.)
  document.addEventListener('change', (event) => {
    const group = event.target instanceof Element && event.target.closest('[data-inline-validate]')
    if (group) group.setAttribute('data-changed', '')
  })
  document.addEventListener('focusout', (event) => {
    const group = event.target instanceof Element && event.target.closest('[data-inline-validate]')
    if (!group || !group.hasAttribute('data-changed')) return
    if (event.relatedTarget instanceof Node && group.contains(event.relatedTarget)) return
    group.removeAttribute('data-changed')
    window.htmx.trigger(group, 'redress:leave')
  })

  // Never redraw a box the person has gone back to: what they are typing would be lost, and
  // focus with it. The next time they leave it, it is checked again.
  document.addEventListener('htmx:beforeSwap', (event) => {
    const target = event.detail.target
    if (target instanceof HTMLElement && target.hasAttribute('data-inline-validate') &&
        target.contains(document.activeElement)) {
      event.detail.shouldSwap = false
    }
  })

  // Files upload as soon as they are chosen (data-upload-status names the status region): say
  // so, then how far it has got, in quarters, so a screen reader is not flooded. The answer
  // replaces the text with each file accepted or refused.
  const uploadStatus = (element) => {
    const id = element instanceof HTMLElement ? element.getAttribute('data-upload-status') : null
    return id ? document.getElementById(id) : null
  }
  document.addEventListener('htmx:beforeRequest', (event) => {
    const status = uploadStatus(event.detail.elt)
    if (!status) return
    status.textContent = event.detail.elt.getAttribute('data-uploading-text') || ''
    status.removeAttribute('data-quarter')
  })
  document.addEventListener('htmx:xhr:progress', (event) => {
    const element = event.detail.elt || event.target
    const status = uploadStatus(element)
    const { loaded, total } = event.detail
    if (!status || !total) return
    const quarter = Math.floor((4 * loaded) / total)
    // Only forwards: the answer's own (download) progress comes through this event too.
    if (quarter > 3 || quarter <= Number(status.getAttribute('data-quarter') || 0)) return
    status.setAttribute('data-quarter', String(quarter))
    const text = element.getAttribute('data-progress-text') || ''
    status.textContent = text.replace('{percent}', String(quarter * 25))
  })

  // With uploads on choosing, an "Add files" button (for browsers without JavaScript) has nothing
  // left to do.
  const hideUploadFallbacks = (root) => {
    if (!(root instanceof Element)) return
    for (const button of root.querySelectorAll('[data-upload-fallback]')) button.remove()
  }
  hideUploadFallbacks(document.body)
  document.addEventListener('htmx:load', (event) => hideUploadFallbacks(event.target))
}

// Signed-in pages carry the timeout warning (shared/templates/shared/_session_timeout.html).
const timeoutDialog = document.querySelector('dialog[data-session-timeout]')
if (timeoutDialog instanceof HTMLDialogElement && typeof timeoutDialog.showModal === 'function') {
  startTimeoutWarning(timeoutDialog)
}

// The service worker (served by the app at /sw.js, so its scope is the whole portal) makes the
// portal installable and shows an offline page when there is no connection. It caches only the
// static assets and that page. The back office is not an installable app: it does not register.
if ('serviceWorker' in navigator && window.isSecureContext && !window.location.pathname.startsWith('/staff')) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error) => {
    console.log(error)
  })
}

// "Print this page" buttons: hidden in the HTML (without JavaScript there is nothing to press, and the
// page says to use the browser's print command), shown and working here.
for (const button of document.querySelectorAll('[data-redress-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
