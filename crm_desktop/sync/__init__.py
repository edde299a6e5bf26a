"""Team-folder replication (DESIGN §10); arrives with the sync issue."""
