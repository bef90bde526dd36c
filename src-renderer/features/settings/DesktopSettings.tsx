/** Preferences of the desktop shell; hidden where there is none (the headless host in a browser). */
import { useEffect } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';

export function DesktopSettings() {
  const load = useAction(() => api().call('shell.getPreferences'));
  const update = useAction((launchAtLogin: boolean) => api().call('shell.setPreferences', { launchAtLogin }));
  const { run } = load;
  useEffect(() => {
    void run();
  }, [run]);
  const prefs = update.result ?? load.result;
  if (!prefs?.available) return null;
  return (
    <section aria-labelledby="desktop-heading" className="panel">
      <h2 id="desktop-heading">Desktop</h2>
      <label className="checkbox">
        <input type="checkbox" checked={prefs.launchAtLogin} disabled={!!prefs.launchAtLoginUnavailable || update.busy} onChange={(e) => void update.run(e.target.checked)} />
        Start Mission Companion when I log in (it keeps running in the tray)
      </label>
      {prefs.launchAtLoginUnavailable && <p className="hint">{prefs.launchAtLoginUnavailable}</p>}
      <ErrorText error={update.error} />
    </section>
  );
}
