import LabCore

extension Migrations {
  /// Campaigns as data (issue 16): each campaign's definition, and the seed's two campaigns under their names.
  ///
  /// `definition` holds the campaign (LabData's `Campaign`) as canonical JSON; NULL means "the shipped
  /// campaign file of that name" (the two rows migration 1 created). The seed's campaigns `A` and `B`
  /// become `llama-3.2-3b` and `llama-3.2-1b` (their files keep `A` and `B` as aliases), recorded runs
  /// following them; the new rows are inserted in the old order, so listings keep it. Owned by
  /// `CampaignStore.swift`.
  public static let campaignDefinitions = Migration(
    "4-campaign-definitions",
    sql: """
      ALTER TABLE campaigns ADD COLUMN definition TEXT;    -- the campaign as JSON; NULL: the shipped file of that name
      INSERT INTO campaigns (name, model, space_preset) VALUES
        ('llama-3.2-3b', 'Llama-3.2-3B', 'llama-3.2-3b'),
        ('llama-3.2-1b', 'Llama-3.2-1B', 'llama-3.2-1b');
      UPDATE recorded_runs SET campaign = 'llama-3.2-3b' WHERE campaign = 'A';
      UPDATE recorded_runs SET campaign = 'llama-3.2-1b' WHERE campaign = 'B';
      DELETE FROM campaigns WHERE name IN ('A', 'B');
      """)
}
