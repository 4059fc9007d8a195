-- Issue 10 item 4: the audience check on plan sections and task series ran as a BEFORE trigger, ahead of
-- RLS, so an outsider learned whether a member id belongs to a circle (invalid_audience when it does
-- not, an RLS error when it does). As for tasks and updates, it now runs after the row has passed RLS.

drop trigger support_plan_sections_check_audience on public.support_plan_sections;
create constraint trigger support_plan_sections_check_audience
  after insert or update of audience on public.support_plan_sections
  for each row execute function private.check_audience();

drop trigger task_series_check_audience on public.task_series;
create constraint trigger task_series_check_audience
  after insert or update of audience on public.task_series
  for each row execute function private.check_audience();
