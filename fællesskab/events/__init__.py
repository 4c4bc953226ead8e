"""Events: welcome meetings, open houses, fairs, social events and activities."""
