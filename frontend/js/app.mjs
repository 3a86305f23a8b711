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
} from './govuk-frontend.min.js'
import { startTimeoutWarning } from './timeout.mjs'

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
