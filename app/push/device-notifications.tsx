import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";

// "Notifications on this device" for one circle: turn on (asks the browser's permission, subscribes
// with the app's VAPID key, posts the subscription), turn off, and the member's devices, each with a
// Remove button that is a plain form (works without JavaScript).

type Device = { id: string; device_label: string; endpoint: string; created_at: string };

function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iPhone or iPad" : /Mac OS X/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "a device";
  return `${browser} on ${system}`;
}

export function DeviceNotifications({ publicKey, devices }: { publicKey: string | null; devices: Device[] }) {
  const fetcher = useFetcher();
  const [supported, setSupported] = useState<boolean | null>(null);
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const ok = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    setSupported(ok);
    if (!ok) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.pushManager.getSubscription())
      .then((subscription) => setEndpoint(subscription?.endpoint ?? null))
      .catch(() => setEndpoint(null));
  }, []);

  const thisDeviceOn = endpoint !== null && devices.some((d) => d.endpoint === endpoint);

  async function turnOn() {
    setProblem(null);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        setProblem("Notifications are blocked for Circle in this browser. You can allow them in the browser's site settings.");
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription =
        (await registration.pushManager.getSubscription()) ??
        (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey! }));
      const json = subscription.toJSON();
      setEndpoint(subscription.endpoint);
      fetcher.submit(
        { intent: "push-on", endpoint: subscription.endpoint, p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "", label: deviceLabel() },
        { method: "post" },
      );
    } catch (error) {
      console.warn("push subscribe failed", error);
      setProblem("This browser could not turn on notifications. Email still works.");
    }
  }

  if (!publicKey) return null;
  return (
    <section aria-labelledby="push-heading">
      <h2 id="push-heading">Notifications on this device</h2>
      <p className="muted">
        The same news as the emails you chose above, as a notification on this phone or computer: what kind of help
        and when; the details stay in Circle. A notification comes within a few minutes, once on each device.
      </p>
      {supported === false ? <p>This browser cannot show notifications from Circle.</p> : null}
      {supported ? (
        thisDeviceOn ? (
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="push-off" />
            <input type="hidden" name="endpoint" value={endpoint ?? ""} />
            <p>Notifications from this circle are on for this device.</p>
            <button type="submit" className="button button-secondary" disabled={fetcher.state !== "idle"}>
              Turn off on this device
            </button>
          </fetcher.Form>
        ) : (
          <button type="button" className="button" onClick={() => void turnOn()} disabled={fetcher.state !== "idle"}>
            Turn on for this device
          </button>
        )
      ) : null}
      {problem ? <p role="alert">{problem}</p> : null}
      {devices.length > 0 ? (
        <>
          <h3>Your devices for this circle</h3>
          <ul className="stack">
            {devices.map((device) => (
              <li key={device.id}>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="push-off" />
                  <input type="hidden" name="id" value={device.id} />
                  <span>
                    {device.device_label}
                    {device.endpoint === endpoint ? " (this device)" : ""}
                  </span>{" "}
                  <button type="submit" className="button button-quiet" aria-label={`Remove ${device.device_label}`}>
                    Remove
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">No device gets notifications from this circle.</p>
      )}
    </section>
  );
}
