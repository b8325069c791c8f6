"""What the tests share: fixture villages and feeds, test servers, small
filesystems, the kiosk as a process, the deployed X session."""
