import { beforeEach, describe, expect, it } from 'vitest';
import { useExplorer } from './store.ts';
import { DEFAULT_VIEW_SETTINGS } from './view-settings.ts';

describe('updateSettings', () => {
  beforeEach(() => useExplorer.getState().replaceSettings(DEFAULT_VIEW_SETTINGS));

  it('keeps the objects of fields it did not change, so that views memoised on them stay put', () => {
    useExplorer.getState().updateSettings({ globeView: { longitude: 165, latitude: 20, zoom: 1 } });
    const before = useExplorer.getState().settings;
    useExplorer.getState().updateSettings({ scatterView: { x: 1, y: 2, zoom: 0.5 } });
    const after = useExplorer.getState().settings;
    expect(after).not.toBe(before);
    expect(after.split).toBe(before.split);
    expect(after.globeView).toBe(before.globeView);
    expect(after.scatterView).toEqual({ x: 1, y: 2, zoom: 0.5 });
  });

  it('gives a changed field its new value', () => {
    const before = useExplorer.getState().settings.split;
    useExplorer.getState().updateSettings({ split: { kind: 'stratified', testFraction: 0.2, seed: 3 } });
    expect(useExplorer.getState().settings.split).not.toBe(before);
    expect(useExplorer.getState().settings.split).toEqual({ kind: 'stratified', testFraction: 0.2, seed: 3 });
  });
});

describe('dismissNoticesTitled', () => {
  beforeEach(() => useExplorer.getState().dismissAllNotices());

  it('dismisses the notices of that title, repeats included, and keeps the others', () => {
    const { notify, dismissNoticesTitled } = useExplorer.getState();
    notify('error', 'The sweep cannot run', 'times: every:0 takes a step of at least 1');
    notify('warning', 'Store on another host', 'data.example.org');
    notify('error', 'The sweep cannot run', 'seeds: not a whole number');
    dismissNoticesTitled('The sweep cannot run');
    expect(useExplorer.getState().notices.map((notice) => notice.title)).toEqual(['Store on another host']);
  });
});
