/**
 * The provider of an OpenAI-compatible endpoint: a preset fills its base URL; "Custom" can be
 * chosen whatever the URL says (the select follows the URL only until the person picks Custom, so
 * choosing it never snaps back to the preset whose URL happens to be in the field).
 */
import { useState } from 'react';
import { PROVIDER_PRESETS } from '../../../src-shared/domain/settings';

export type ProviderPreset = (typeof PROVIDER_PRESETS)[number];

/** The preset whose base URL this is (trailing slashes aside), if any. */
export function presetFor(baseUrl: string): ProviderPreset | undefined {
  return PROVIDER_PRESETS.find((p) => p.baseUrl === baseUrl.trim().replace(/\/+$/, ''));
}

interface Props {
  baseUrl: string;
  onBaseUrl: (url: string) => void;
  customLabel?: string;
}

export function ProviderSelect({ baseUrl, onBaseUrl, customLabel = 'Custom (any OpenAI-compatible endpoint)' }: Props) {
  const [custom, setCustom] = useState(false);
  const preset = presetFor(baseUrl);
  return (
    <label>
      Provider
      <select
        value={custom || !preset ? 'custom' : preset.id}
        onChange={(e) => {
          const p = PROVIDER_PRESETS.find((x) => x.id === e.target.value);
          setCustom(!p);
          if (p) onBaseUrl(p.baseUrl);
        }}
      >
        {PROVIDER_PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
        <option value="custom">{customLabel}</option>
      </select>
    </label>
  );
}
